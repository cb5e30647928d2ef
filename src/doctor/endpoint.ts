import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Check, CheckOutcome, DoctorContext, LocalProbe } from './types.js';

export const PROBE_TIMEOUT_MS = 2_000;


/**
 * A TCP connection proves something listens. (fetch() is not used: it refuses ports on the WHATWG
 * "bad ports" list, such as 6000, that the SDK's own HTTP client reaches fine.)
 */
export function probeTcp(endpoint: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<string | undefined> {
  const url = new URL(endpoint);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => finish(`no connection within ${timeoutMs} ms`));
    socket.once('connect', () => finish(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
  });
}

/**
 * Something listening is not yet an AWS API: a plain web server answers GET / with an HTML page,
 * which no AWS service (nor LocalStack or the embedded emulators) ever does. Other failures are
 * left to the calls themselves.
 */
export function probeNotAws(endpoint: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<string | undefined> {
  const url = new URL('/', endpoint);
  const get = url.protocol === 'https:' ? https.get : http.get;
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: timeoutMs }, (response) => {
      const type = response.headers['content-type'] ?? '';
      response.destroy();
      resolve(/html/i.test(type) ? 'did not answer like AWS (it returned an HTML page)' : undefined);
    });
    // Connected but silent is exactly the endpoint that would freeze every command.
    request.on('timeout', () => {
      resolve(`accepted a connection but did not answer within ${timeoutMs / 1000} s`);
      request.destroy();
    });
    request.on('error', () => resolve(undefined));
  });
}

export const localBackendCheck: Check = {
  name: 'local backend',
  applies: (d) => d.local !== undefined,
  skipped: () => 'skipped: not --local',
  async run(d): Promise<CheckOutcome> {
    const local = d.local as LocalProbe;
    if (local.problem) {
      return { status: 'fail', detail: `the embedded backend is not running: ${local.problem}`, fix: 'Start it with `thumbs dev` in another terminal and keep it open.' };
    }
    return { status: 'pass', detail: `thumbs dev is running (pid ${local.endpoints?.pid}), endpoints in ${local.file}` };
  },
};

function endpointsOf(d: DoctorContext): string[] {
  if (d.local) return d.local.endpoints ? [...new Set([d.local.endpoints.s3, d.local.endpoints.dynamodb])] : [];
  const endpoints = d.ctx.target.endpoints;
  return endpoints ? [...new Set(Object.values(endpoints).filter((e): e is string => Boolean(e)))] : [];
}

export const endpointCheck: Check = {
  name: 'endpoint reachable',
  applies: (d) => d.ctx.target.backend !== 'aws' && endpointsOf(d).length > 0,
  skipped: (d) => (d.ctx.target.backend === 'aws' ? 'skipped: AWS endpoints' : 'skipped: no endpoints known (see local backend)'),
  async run(d) {
    const urls = endpointsOf(d);
    const probe = async (url: string) => (await probeTcp(url)) ?? (await probeNotAws(url));
    const failures = (await Promise.all(urls.map(async (url) => [url, await probe(url)] as const))).filter(([, problem]) => problem);
    if (failures.length === 0) return { status: 'pass', detail: `${urls.join(', ')} answered` };
    return {
      status: 'fail',
      detail: failures.map(([url, problem]) => `${url}: ${problem}`).join('; '),
      fix: d.local ? 'Start `thumbs dev` again (its ports change on every start).' : 'Start the endpoint (LocalStack: `localstack start`) or correct --endpoint-url (or AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>).',
    };
  },
};
