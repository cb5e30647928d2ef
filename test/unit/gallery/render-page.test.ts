import { describe, expect, it } from 'vitest';
import type { GalleryImage } from '../../../src/gallery/load-images.js';
import { contentSecurityPolicy, escapeHtml, renderErrorPage, renderPage, safeUrl, type PageView } from '../../../src/gallery/render-page.js';

const HOSTILE = '"><img src=x onerror=alert(1)>.jpg';
const S3 = 'https://bucket.s3.us-east-1.amazonaws.com';

function image(overrides: Partial<GalleryImage> = {}): GalleryImage {
  return {
    key: 'holiday/beach.jpg',
    status: 'done',
    width: 4000,
    height: 3000,
    bytes: 2_500_000,
    originalUrl: `${S3}/holiday/beach.jpg?X-Amz-Signature=a&X-Amz-Expires=900`,
    renditions: [
      { name: '128', width: 128, height: 96, bytes: 4000, format: 'webp', url: `${S3}/128/holiday/beach.webp?sig=1&x=2` },
      { name: '512', width: 512, height: 384, bytes: 40000, format: 'webp', url: `${S3}/512/holiday/beach.webp?sig=1` },
    ],
    ...overrides,
  };
}

const view = (images: GalleryImage[], more: Partial<PageView> = {}): PageView => ({
  mode: 'live', stack: 'default', images, total: images.length, q: '', expiresAt: '2030-01-01T00:00:00.000Z', ...more,
});

describe('escapeHtml', () => {
  it('escapes the five characters that end text or attribute values', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
  it('turns undefined into an empty string', () => {
    expect(escapeHtml(undefined)).toBe('');
  });
});

describe('safeUrl', () => {
  it('keeps http(s) and replaces every other scheme', () => {
    expect(safeUrl('https://a/b?c=d')).toBe('https://a/b?c=d');
    expect(safeUrl('javascript:alert(1)')).toBe('#');
    expect(safeUrl('data:text/html,<b>')).toBe('#');
    expect(safeUrl('not a url')).toBe('#');
  });
});

describe('renderPage', () => {
  it('renders a hostile key only as text, in every place it appears', () => {
    const html = renderPage(view([image({ key: HOSTILE })]));
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('"><img src=x');
    expect(html.match(/<img /g)).toHaveLength(4); // thumb, original, two renditions: none from the key
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.jpg');
  });

  it('escapes error messages of failed images and shows them', () => {
    const html = renderPage(view([image({ status: 'failed', renditions: [], error: 'bad <script>alert(2)</script>' })]));
    expect(html).toContain('<p class="error">bad &lt;script&gt;alert(2)&lt;/script&gt;</p>');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('<span class="no-thumb">failed</span>');
    expect(html).toContain('<li class="card status-failed"');
  });

  it('shows a thumbnail through the presigned URL with every rendition in srcset; the detail shows the largest rendition and links the original', () => {
    const html = renderPage(view([image()]));
    expect(html).toContain(`src="${S3}/512/holiday/beach.webp?sig=1"`);
    expect(html).toContain(`srcset="${S3}/128/holiday/beach.webp?sig=1&amp;x=2 128w, ${S3}/512/holiday/beach.webp?sig=1 512w"`);
    expect(html).toMatch(/<template class="detail">.*<img class="screen" src="https:\/\/bucket\.s3[^"]*\/512\/holiday\/beach\.webp\?sig=1" width="512" height="384"/s);
    expect(html).toMatch(/<template class="detail">.*<a class="original-link" href="https:\/\/bucket\.s3[^"]*X-Amz-Signature=a&amp;X-Amz-Expires=900"/s);
    // Only a page served with a renderer lets the script ask for a screen-sized URL.
    expect(html).not.toContain('data-renderer');
    expect(renderPage({ ...view([image()]), renderer: true })).toMatch(/<body [^>]*data-renderer="on"/);
    expect(html).toContain('4000×3000 · 2.4 MB · <span class="status badge">done</span>');
  });

  it('shows each rendition at its true size with its dimensions and bytes in the detail view', () => {
    const html = renderPage(view([image()]));
    expect(html).toContain(`<img class="rendition-img" src="${S3}/512/holiday/beach.webp?sig=1" width="512" height="384"`);
    expect(html).toContain('512 px box · 512×384 · webp · 39.1 KB');
    expect(html).toContain('aria-label="holiday/beach.jpg, done, 4000×3000 · 2.4 MB: open details"');
  });

  it('paints the ThumbHash under the thumbnail, once per card (the script lends it to the renditions)', () => {
    // rgbaToThumbHash(1, 1, [128, 128, 128, 255]) from the thumbhash package.
    const html = renderPage(view([image({ thumbhash: 'IAhCBwAI9wiIh4hwj3CI+AiIAAAAAAAA' })]));
    expect(html.match(/<img class="ph" src="data:image\/png;base64,[A-Za-z0-9+/=]+" width="512" height="384" alt="" aria-hidden="true">/g)).toHaveLength(1);
    expect(html.match(/data:image\/png;base64,/g)).toHaveLength(1);
    expect(renderPage(view([image()]))).not.toContain('class="ph"');
  });

  it('offers upload and live status only when the server asks for them, never in a snapshot', () => {
    const upload = { maxBytes: 1024 * 1024, prefix: 'uploads/' };
    const live = renderPage(view([image()], { upload, liveSince: '2030-01-01T00:00:00.000Z' }));
    expect(live).toContain('<input id="upload-files" type="file" multiple accept="image/jpeg,image/png,image/webp,image/gif,image/avif,image/tiff,image/heic,image/heif,.heic,.heif"');
    expect(live).toContain('up to 1.0 MB each');
    expect(live).toContain('<p class="live-status" role="status" aria-live="polite" data-since="2030-01-01T00:00:00.000Z">');
    const snapshot = renderPage(view([image()], { mode: 'static', upload, liveSince: '' }));
    expect(snapshot).not.toContain('type="file"');
    expect(snapshot).not.toContain('live-status');
    expect(renderPage(view([image()]))).not.toContain('type="file"');
  });

  it('links the previous page, or the first when the previous one is the first', () => {
    expect(renderPage(view([image()], { cursor: 'c2', previousCursor: 'c1' }))).toContain('<a class="previous" rel="prev" href="?cursor=c1">');
    const second = renderPage(view([image()], { cursor: 'c1', previousCursor: '' }));
    expect(second).not.toContain('class="previous"');
    expect(second).toContain('<a class="first" href="?">');
  });

  it('keeps the filter in the form and the pager links, escaped', () => {
    const html = renderPage(view([image()], { status: 'failed', q: '"x"', cursor: 'abc', nextCursor: 'def', total: 50 }));
    expect(html).toContain('<option value="failed" selected>');
    expect(html).toContain('value="&quot;x&quot;"');
    expect(html).toContain('href="?status=failed&amp;q=%22x%22&amp;cursor=def"');
    expect(html).toContain('href="?status=failed&amp;q=%22x%22"');
    expect(html).toContain('<span class="count">1 of 50</span> matching images');
  });

  it('has no pager in a static snapshot, which filters in the browser', () => {
    const html = renderPage(view([image()], { mode: 'static', nextCursor: 'def' }));
    expect(html).toContain('<body data-mode="static">');
    expect(html).not.toContain('class="pager"');
  });

  it('says what to do when there are no images', () => {
    expect(renderPage(view([]))).toContain('<p class="empty">No images yet');
  });
});

describe('contentSecurityPolicy', () => {
  it('allows images only from the origins the URLs point at, and scripts only from the page', () => {
    const csp = contentSecurityPolicy([image({ originalUrl: 'http://127.0.0.1:4566/b/k' })]);
    expect(csp).toContain(`img-src 'self' data: http://127.0.0.1:4566 ${S3};`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self';");
  });

  it('allows the buckets before any card exists, and posts only to the upload origin', () => {
    const csp = contentSecurityPolicy([], { imageOrigins: [S3], uploadOrigin: 'http://127.0.0.1:4566' });
    expect(csp).toContain(`img-src 'self' data: ${S3};`);
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:4566;");
  });
});

describe('renderErrorPage', () => {
  it('escapes the message and hint', () => {
    const html = renderErrorPage('default', 'no table <x>', 'run "thumbs provision"');
    expect(html).toContain('no table &lt;x&gt;');
    expect(html).toContain('run &quot;thumbs provision&quot;');
  });
});
