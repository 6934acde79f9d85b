// Starts the product the way `npm start` does (its own DynamoDB Local, seed, server), calls
// /health and a page, then Ctrl-C: everything it started must be gone, data kept on disk.
import { describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@tmc/local/dynamo-local';

const javaProcessesFor = (dir: string): string => {
  try {
    return execFileSync('pgrep', ['-f', dir], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
};

describe('npm start', () => {
  it('serves /health, prints the demo logins, and Ctrl-C leaves no Java behind', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tmc-start-'));
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/local/src/start.ts'], {
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      for (let i = 0; i < 600 && !out.includes('Ctrl-C stops'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain('Ctrl-C stops');
      expect(out).toMatch(/admin \(admin\)/);
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { store: string }).store).toBe('reachable');
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
    expect(javaProcessesFor(dataDir)).toBe('');
    expect(existsSync(join(dataDir, 'dynamodb'))).toBe(true);
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);
});
