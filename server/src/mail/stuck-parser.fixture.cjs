// A parser for the parse pool's tests (parse-pool.test.ts): mailparser, except that a message
// whose Subject is "hang" gets the worker stuck in a loop, as a parser bug on a pathological
// input would, and one whose Subject is "crash" makes the worker thread exit.
const { simpleParser } = require('mailparser');

exports.simpleParser = (raw, options) => {
  const text = raw.toString('latin1');
  if (/^Subject: hang\r$/m.test(text)) for (;;);
  if (/^Subject: crash\r$/m.test(text)) process.exit(3);
  return simpleParser(raw, options);
};
