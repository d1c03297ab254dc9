// Everything a page received over the network, as text: every response Chromium saw (documents, scripts, API answers)
// and, because a stream never ends for Playwright, every chunk the page's own fetch calls read (the event stream).
import type { BrowserContext, Page, Response } from 'playwright-core';

/** Page code as a string (this project type-checks without the DOM library): tees every fetch body into `window.__received`. */
const TEE_FETCH = `
  window.__received = [];
  const original = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const response = await original(...args);
    if (response.body) {
      const [mine, theirs] = response.body.tee();
      const reader = mine.getReader();
      const decoder = new TextDecoder();
      const url = response.url;
      (async () => {
        for (;;) {
          const { done, value } = await reader.read().catch(() => ({ done: true }));
          if (done) break;
          window.__received.push(url + ' ' + decoder.decode(value, { stream: true }));
        }
      })();
      return new Response(theirs, { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    return response;
  };
`;

/** What a recorder holds. */
export interface NetworkRecorder {
  /** Every body received so far, with its URL in front: Chromium's responses in the context and `page`'s fetch stream chunks. */
  received(page: Page): Promise<string[]>;
}

/** Records every page of `context` from its first request on; call it before the context opens a page. */
export async function recordNetwork(context: BrowserContext): Promise<NetworkRecorder> {
  await context.addInitScript(TEE_FETCH);
  const bodies: Promise<string>[] = [];
  const onResponse = (response: Response) => {
    // An event stream never finishes for Playwright; the fetch tee reads it instead.
    if ((response.headers()['content-type'] ?? '').startsWith('text/event-stream')) return;
    bodies.push(response.text().then((text) => `${response.url()} ${text}`, () => ''));
  };
  context.on('response', onResponse);
  return {
    async received(page) {
      const streamed = (await page.evaluate('window.__received')) as string[];
      return [...(await Promise.all(bodies)), ...streamed];
    },
  };
}
