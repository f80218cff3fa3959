/**
 * Starts the built service (dist/src/server.js) as a child process on a free loopback port, for drills that
 * must see crashes and restarts from outside.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

import { projectRoot } from '../src/io/project-root.js';

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** Exit codes and signals seen so far; a non-empty list means the service crashed. */
  exits: string[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startService(env: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(projectRoot(), 'dist', 'src', 'server.js')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exits: string[] = [];
  child.on('exit', (code, signal) => exits.push(`code ${code} signal ${signal}`));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exits.length > 0) throw new Error(`the service exited at start (${exits[0]})`);
    try {
      if ((await fetch(`${url}/health/live`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('the service did not start within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    child,
    exits,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
