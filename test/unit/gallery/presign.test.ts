import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { attachmentDisposition, getObjectSigner } from '../../../src/gallery/presign.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const KEYS = ['a.jpg', 'albums/2025 summer/ü ñ.jpg', "odd !'()*+,;=&$@#%.jpg", '128/x/y.webp', 'a//b.jpg'];
const at = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));

describe('getObjectSigner', () => {
  const clients = {
    'virtual-hosted (AWS)': new S3Client({ region: 'eu-west-1', credentials }),
    'path-style (embedded, LocalStack)': new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4566', forcePathStyle: true, credentials }),
  };
  for (const [name, s3] of Object.entries(clients)) {
    it(`gives exactly the URL getSignedUrl gives, ${name}`, async () => {
      const sign = getObjectSigner(s3, 900, at);
      for (const bucket of ['originals-bucket', 'thumbs.bucket']) {
        for (const key of KEYS) {
          const expected = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 900, signingDate: at });
          expect(await sign(bucket, key)).toBe(expected);
        }
      }
    });

    it(`signs a download URL (Content-Disposition: attachment) exactly as getSignedUrl does, mixed with plain ones, ${name}`, async () => {
      const sign = getObjectSigner(s3, 900, at);
      for (const key of KEYS) {
        const command = new GetObjectCommand({ Bucket: 'originals-bucket', Key: key, ResponseContentDisposition: attachmentDisposition(key) });
        const download = await sign('originals-bucket', key, { download: true });
        expect(download).toBe(await getSignedUrl(s3, command, { expiresIn: 900, signingDate: at }));
        expect(new URL(download).searchParams.get('response-content-disposition')).toMatch(/^attachment; filename\*=UTF-8''/);
        expect(await sign('originals-bucket', key)).toBe(await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'originals-bucket', Key: key }), { expiresIn: 900, signingDate: at }));
      }
    });
  }
});
