/**
 * Message HTML for the preview frame. Three layers, each enough on its own for scripts:
 *  1. DOMPurify strips scripts, event handlers, forms, frames, meta/base/link elements and
 *     `javascript:` URLs before anything reaches the frame;
 *  2. the document gets a Content-Security-Policy `<meta>` as the first thing in its head: no
 *     script, no connection, no frame, no remote font or style; images only from `data:` —
 *     or from http(s) too once the user turns remote images on;
 *  3. the `<iframe sandbox="">` it is shown in has neither `allow-scripts` nor
 *     `allow-same-origin` (Messages view), so nothing in it could run or reach the UI.
 * Remote images are also removed from the markup while they are off (and counted, for the
 * toggle), so not even a request for them is attempted. Nothing is fetched by the server.
 */
import DOMPurify from 'dompurify';

const REMOTE = /^\s*(https?:)?\/\//i;
/** Attributes that load something. */
const URL_ATTRS = ['src', 'srcset', 'background', 'poster', 'lowsrc', 'dynsrc'];

export function previewCsp(remoteImages: boolean): string {
  return [
    "default-src 'none'",
    "script-src 'none'",
    `img-src data:${remoteImages ? ' http: https:' : ''}`,
    "style-src 'unsafe-inline'",
    'font-src data:',
    "media-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export interface Preview {
  /** The whole document for `<iframe srcdoc>`. */
  srcdoc: string;
  /** Remote resources left out because remote images are off. */
  blockedRemote: number;
}

export function buildPreview(html: string, remoteImages: boolean): Preview {
  const purify = DOMPurify(window);
  let blockedRemote = 0;
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (!(node instanceof Element)) return;
    // in SVG, `<image href>` and `<use href>` load; only a link's href is a link
    const isLink = node.tagName === 'A' || node.tagName === 'AREA' || node.tagName === 'a';
    const attrs = isLink ? URL_ATTRS : [...URL_ATTRS, 'href', 'xlink:href'];
    for (const attr of attrs) {
      const value = node.getAttribute(attr);
      if (value === null) continue;
      if (/^\s*data:/i.test(value)) continue;
      if (REMOTE.test(value)) {
        if (remoteImages) continue;
        blockedRemote++;
      }
      // remote while off, or relative (meaningless in a mail; it would point at Bouncer itself)
      node.removeAttribute(attr);
    }
    if (node.tagName === 'A') {
      // the sandbox has no allow-popups: a link opens nothing, and the page stays put
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
  const root = purify.sanitize(html, {
    WHOLE_DOCUMENT: true,
    RETURN_DOM: true,
    FORBID_TAGS: ['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button', 'textarea', 'select', 'meta', 'base', 'link', 'portal', 'noscript'],
    FORBID_ATTR: ['ping', 'action', 'formaction', 'http-equiv'],
    ALLOW_DATA_ATTR: false,
  }) as HTMLElement;
  purify.removeAllHooks();

  const doc = root.ownerDocument;
  let head = root.querySelector('head');
  if (!head) {
    head = doc.createElement('head');
    root.prepend(head);
  }
  const csp = doc.createElement('meta');
  csp.setAttribute('http-equiv', 'Content-Security-Policy');
  csp.setAttribute('content', previewCsp(remoteImages));
  const charset = doc.createElement('meta');
  charset.setAttribute('charset', 'utf-8');
  const referrer = doc.createElement('meta');
  referrer.setAttribute('name', 'referrer');
  referrer.setAttribute('content', 'no-referrer');
  // first in the head: a policy only covers what comes after it
  head.prepend(charset, csp, referrer);
  return { srcdoc: `<!doctype html>${root.outerHTML}`, blockedRemote };
}
