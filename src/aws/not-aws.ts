import { ThumbsError } from '../errors.js';

interface RawAnswer {
  message?: string;
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

/** An endpoint answered, but not in the AWS API's format: a web server, a proxy's login page, a wrong port. */
export class EndpointNotAws extends ThumbsError {
  constructor(
    /** The SDK's name of the service, e.g. "S3", "Amplify". */
    readonly service: string,
    endpoint: string | undefined,
    what: string,
    cause: unknown,
  ) {
    super('endpoint-not-aws', `the endpoint URL did not answer like AWS ${service} (it returned ${what})${endpoint ? `: ${endpoint}` : ''}`, {
      hint: endpoint
        ? 'Point --endpoint-url (or AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>) at LocalStack or another AWS-compatible endpoint, e.g. http://localhost:4566; `thumbs doctor` checks it.'
        : 'Something between you and AWS (a proxy or captive portal?) answered instead; check your network, then run again.',
      cause,
    });
  }
}

/** Headers only AWS (and implementations that copy it) put on an answer; none of them, and the body is suspect. */
const AWS_REQUEST_ID_HEADERS = ['x-amz-request-id', 'x-amzn-requestid', 'x-amz-id-2'];

function hasAwsRequestId(headers: Record<string, string | undefined>): boolean {
  return Object.keys(headers).some((name) => AWS_REQUEST_ID_HEADERS.includes(name.toLowerCase()));
}

/**
 * What the answer was when it is certainly not AWS's; undefined when it may well be. An answer with
 * one of AWS's request-id headers is AWS's whatever its content type (moto answers a HEAD for a
 * missing bucket with 404, an empty body and text/html); a HEAD answer has no body to judge, so its
 * status says all. Otherwise only an HTML body or one the SDK could not parse is "not AWS".
 */
export function notAwsAnswer(error: unknown, method?: string): string | undefined {
  const raw = (error ?? {}) as RawAnswer;
  const headers = raw.$response?.headers ?? {};
  if (hasAwsRequestId(headers) || method === 'HEAD') return undefined;
  const type = headers['content-type'] ?? '';
  if (/html/i.test(type)) return 'an HTML page';
  if (/XML parse error|is not valid JSON|Unexpected token .* JSON|char '.' is not expected/i.test(raw.message ?? '')) {
    return `a response that is neither AWS's XML nor JSON${type ? ` (${type.split(';')[0]})` : ''}`;
  }
  return undefined;
}

/**
 * The same judgment for an answer the SDK accepted: S3's XML parser reads a captive portal's 200
 * HTML login page as an empty, successful ListBuckets. undefined when it may well be AWS's.
 */
export function notAwsSuccess(response: { statusCode?: number; headers?: Record<string, string | undefined> } | undefined, method?: string): string | undefined {
  const headers = response?.headers ?? {};
  if (method === 'HEAD' || hasAwsRequestId(headers)) return undefined;
  return /html/i.test(headers['content-type'] ?? '') ? 'an HTML page' : undefined;
}

/** The error an SDK call ended with, or EndpointNotAws when the answer was not AWS's at all. */
export function explainNotAws(error: unknown, service: string, endpoint: string | undefined, method?: string): unknown {
  if (error instanceof ThumbsError) return error;
  const what = notAwsAnswer(error, method);
  return what ? new EndpointNotAws(service, endpoint, what, error) : error;
}

export function isEndpointNotAws(error: unknown): error is EndpointNotAws {
  return error instanceof EndpointNotAws;
}
