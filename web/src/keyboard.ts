/**
 * Keyboard: `j`/`k` move in the list on screen, Enter opens the row, `/` focuses its search
 * box, Escape leaves a text field. Lists register themselves while mounted.
 */
import { useEffect, useRef } from 'react';

export interface ListKeys {
  move(delta: 1 | -1): void;
  open(): void;
}

let active: ListKeys | null = null;

/** Makes this list the one `j`/`k`/Enter act on while the component is mounted. */
export function useListKeys(keys: ListKeys): void {
  const ref = useRef(keys);
  ref.current = keys;
  useEffect(() => {
    const proxy: ListKeys = { move: (d) => ref.current.move(d), open: () => ref.current.open() };
    active = proxy;
    return () => {
      if (active === proxy) active = null;
    };
  }, []);
}

function isTextField(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el instanceof HTMLInputElement && !['checkbox', 'radio', 'button'].includes(el.type));
}

export function installKeyboard(): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (isTextField(e.target)) {
      if (e.key === 'Escape') (e.target as HTMLElement).blur();
      return;
    }
    if (e.key === '/') {
      const search = document.querySelector<HTMLInputElement>('[data-search]');
      if (search) {
        e.preventDefault();
        search.focus();
        search.select();
      }
    } else if (e.key === 'j' || e.key === 'k') {
      if (active) {
        e.preventDefault();
        active.move(e.key === 'j' ? 1 : -1);
      }
    } else if (e.key === 'Enter' && active && !(e.target instanceof HTMLButtonElement || e.target instanceof HTMLAnchorElement)) {
      e.preventDefault();
      active.open();
    }
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
