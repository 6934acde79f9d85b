import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { decodeCsv } from './decode';
import { CSV_MAX_BYTES } from '../kernel/limits';
import { thrown } from '../kernel/testing';

describe('decodeCsv', () => {
  const text = '姓名,性别\r\n张三,男\r\n';

  it('reads UTF-8 without BOM', () => {
    expect(decodeCsv(new TextEncoder().encode(text))).toEqual({ text, encoding: 'utf-8' });
  });

  it('reads UTF-8 with BOM and drops the BOM', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    expect(decodeCsv(bytes)).toEqual({ text, encoding: 'utf-8-bom' });
  });

  it('reads GBK as Excel on Chinese Windows saves it', () => {
    const bytes = iconv.encode(text, 'gbk');
    expect(decodeCsv(bytes)).toEqual({ text, encoding: 'gbk' });
  });

  it('treats plain ASCII as UTF-8', () => {
    expect(decodeCsv(new TextEncoder().encode('name,gender\n')).encoding).toBe('utf-8');
  });

  it.each([
    ['binary (PNG header)', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00])],
    ['UTF-16 LE with BOM', new Uint8Array([0xff, 0xfe, ...Buffer.from('name', 'utf16le')])],
    ['UTF-16 BE with BOM', new Uint8Array([0xfe, 0xff, 0x00, 0x6e, 0x00, 0x61])],
    ['UTF-16 LE without BOM', new Uint8Array(Buffer.from('姓名,性别', 'utf16le'))],
    ['neither UTF-8 nor GBK', new Uint8Array([0x41, 0xff, 0xa1, 0x42])],
    ['a BOM over invalid UTF-8', new Uint8Array([0xef, 0xbb, 0xbf, 0xc3, 0x28])],
  ])('rejects %s', (_name, bytes) => {
    expect(thrown(() => decodeCsv(bytes)).code).toBe('CSV_ENCODING_UNSUPPORTED');
  });

  it('refuses a file above the byte limit before decoding it', () => {
    expect(thrown(() => decodeCsv(new Uint8Array(CSV_MAX_BYTES + 1))).code).toBe('PAYLOAD_TOO_LARGE');
  });
});
