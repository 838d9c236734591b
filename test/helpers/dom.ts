import { type Document, type HTMLInputElement, Window } from 'happy-dom';

/**
 * A rendered HTML report opened in happy-dom, its inline script run (JavaScript evaluation is
 * off by default in happy-dom; the report is our own page, and what it embeds is what is tested).
 */
export async function openHtml(html: string): Promise<{ window: Window; document: Window['document'] }> {
  const window = new Window({
    url: 'https://report.test/',
    settings: {
      enableJavaScriptEvaluation: true,
      suppressInsecureJavaScriptEnvironmentWarning: true,
      disableJavaScriptFileLoading: true,
      disableCSSFileLoading: true,
    },
  });
  window.document.write(html);
  await window.happyDOM.waitUntilComplete();
  return { window, document: window.document };
}

/** Types into a control of the page and fires the event its script listens to. */
export function typeInto(doc: Document, selector: string, value: string, event: 'input' | 'change'): void {
  const control = doc.querySelector<HTMLInputElement>(selector);
  const window = doc.defaultView;
  if (!control || !window) throw new Error(`no ${selector}`);
  control.value = value;
  control.dispatchEvent(new window.Event(event));
}
