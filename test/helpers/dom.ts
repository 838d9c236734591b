import { Window } from 'happy-dom';

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
