import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local HTTP servers that answer as Alibaba Cloud SMS and Tencent Cloud SMS document their APIs,
 * and check what a real one checks: method, path, action and version headers, the payload hash
 * and the signature, recomputed here from the documented algorithm (not from the SDK's code).
 * A request that fails a check gets the provider's error answer and is recorded as refused.
 */
export type Behaviour = 'ok' | 'server-error' | 'hang' | { status: number; body: unknown };

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Why the stand-in refused it (a failed check), or undefined when it passed every check. */
  refused?: string;
}

export interface StandIn {
  url: string;
  /** host:port, as the SDKs' endpoint setting takes it */
  host: string;
  requests: RecordedRequest[];
  behaviour: Behaviour;
  /** Every answer waits this long (a slow provider: sends stay in flight). */
  delayMs: number;
  close(): Promise<void>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 percent-encoding, as Alibaba's signature documentation specifies it. */
const percentEncode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

async function startServer(
  handle: (request: RecordedRequest, reply: (status: number, body: unknown) => void) => void,
): Promise<StandIn> {
  const sockets = new Set<import('node:net').Socket>();
  const standIn: StandIn = {
    url: '',
    host: '',
    requests: [],
    behaviour: 'ok',
    delayMs: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      if (standIn.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, standIn.delayMs));
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      standIn.requests.push(recorded);
      if (standIn.behaviour === 'hang') return;
      if (typeof standIn.behaviour === 'object') {
        res.writeHead(standIn.behaviour.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(standIn.behaviour.body));
        return;
      }
      handle(recorded, (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  standIn.url = `http://127.0.0.1:${port}`;
  standIn.host = `127.0.0.1:${port}`;
  return standIn;
}

/**
 * Alibaba Cloud SMS, SendSms (RPC style, version 2017-05-25) signed with ACS3-HMAC-SHA256:
 * https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature
 */
export function startAliyunStandIn(credentials: { accessKeyId: string; accessKeySecret: string }): Promise<StandIn> {
  let bizId = 900_000;
  let resolved: StandIn | undefined;
  return startServer((request, reply) => {
    const problem = aliyunProblem(request, credentials);
    if (problem) {
      request.refused = problem;
      reply(400, { Code: problem.split(':')[0], Message: problem, RequestId: 'stand-in' });
      return;
    }
    if (resolved?.behaviour === 'server-error') {
      reply(503, {
        Code: 'ServiceUnavailable',
        Message: 'The request has failed due to a temporary failure of the server.',
        RequestId: 'stand-in',
      });
      return;
    }
    bizId += 1;
    reply(200, { Code: 'OK', Message: 'OK', BizId: `${bizId}^0`, RequestId: `req-${bizId}` });
  }).then((value) => {
    resolved = value;
    return value;
  });
}

function aliyunProblem(
  request: RecordedRequest,
  credentials: { accessKeyId: string; accessKeySecret: string },
): string | undefined {
  if (request.method !== 'POST') return `UnsupportedHTTPMethod: ${request.method}`;
  if (request.path !== '/') return `InvalidPath: ${request.path}`;
  const header = (name: string) => String(request.headers[name] ?? '');
  if (header('x-acs-action') !== 'SendSms') return `InvalidAction: ${header('x-acs-action')}`;
  if (header('x-acs-version') !== '2017-05-25') return `InvalidVersion: ${header('x-acs-version')}`;
  const date = Date.parse(header('x-acs-date'));
  if (!Number.isFinite(date) || Math.abs(Date.now() - date) > 15 * 60_000) return 'InvalidTimeStamp.Expired';
  if (!header('x-acs-signature-nonce')) return 'MissingSignatureNonce';
  if (header('x-acs-content-sha256') !== sha256(request.body)) return 'ContentSha256Mismatch';
  const match = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(
    header('authorization'),
  );
  if (!match) return 'IncompleteSignature: malformed Authorization';
  const [, accessKeyId, signedHeaders, signature] = match as unknown as [string, string, string, string];
  if (accessKeyId !== credentials.accessKeyId) return 'InvalidAccessKeyId.NotFound';
  const names = signedHeaders.split(';');
  for (const required of [
    'host',
    'x-acs-action',
    'x-acs-content-sha256',
    'x-acs-date',
    'x-acs-signature-nonce',
    'x-acs-version',
  ])
    if (!names.includes(required)) return `IncompleteSignature: ${required} not signed`;
  const canonicalQuery = Object.keys(request.query)
    .sort()
    .map((key) => `${percentEncode(key)}=${percentEncode(request.query[key]!)}`)
    .join('&');
  const canonicalHeaders = names.map((name) => `${name}:${header(name).trim()}\n`).join('');
  const canonicalRequest = [
    'POST',
    '/',
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    header('x-acs-content-sha256'),
  ].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256(canonicalRequest)}`;
  const expected = hmac(credentials.accessKeySecret, stringToSign).toString('hex');
  if (expected !== signature) return 'SignatureDoesNotMatch';
  for (const required of ['PhoneNumbers', 'SignName', 'TemplateCode'])
    if (!request.query[required]) return `MissingParameter: ${required}`;
  return undefined;
}

/**
 * Tencent Cloud SMS, SendSms (version 2021-01-11) signed with TC3-HMAC-SHA256:
 * https://cloud.tencent.com/document/api/382/52072 (签名方法 v3). The credential scope's service must
 * be the one the endpoint's host names (its first label), as Tencent's gateway checks it.
 */
export function startTencentStandIn(credentials: {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
}): Promise<StandIn> {
  let serial = 0;
  let resolved: StandIn | undefined;
  return startServer((request, reply) => {
    const problem = tencentProblem(request, credentials);
    if (problem) {
      request.refused = problem;
      reply(200, { Response: { Error: { Code: problem.split(':')[0], Message: problem }, RequestId: 'stand-in' } });
      return;
    }
    if (resolved?.behaviour === 'server-error') {
      reply(200, { Response: { Error: { Code: 'InternalError.Timeout', Message: 'timeout' }, RequestId: 'stand-in' } });
      return;
    }
    const body = JSON.parse(request.body) as { PhoneNumberSet: string[]; SessionContext?: string };
    serial += 1;
    reply(200, {
      Response: {
        SendStatusSet: body.PhoneNumberSet.map((phone) => ({
          SerialNo: `2645:${serial}`,
          PhoneNumber: phone,
          Fee: 1,
          SessionContext: body.SessionContext ?? '',
          Code: 'Ok',
          Message: 'send success',
          IsoCode: 'CN',
        })),
        RequestId: `req-${serial}`,
      },
    });
  }).then((value) => {
    resolved = value;
    return value;
  });
}

function tencentProblem(
  request: RecordedRequest,
  credentials: { secretId: string; secretKey: string; sdkAppId: string },
): string | undefined {
  if (request.method !== 'POST') return `UnsupportedOperation: ${request.method}`;
  if (request.path !== '/') return `InvalidParameter: path ${request.path}`;
  const header = (name: string) => String(request.headers[name] ?? '');
  if (header('x-tc-action') !== 'SendSms') return `InvalidAction: ${header('x-tc-action')}`;
  if (header('x-tc-version') !== '2021-01-11') return `NoSuchVersion: ${header('x-tc-version')}`;
  const timestamp = Number(header('x-tc-timestamp'));
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300)
    return 'AuthFailure.SignatureExpire';
  const match =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      header('authorization'),
    );
  if (!match) return 'AuthFailure.InvalidAuthorization';
  const [, secretId, date, service, signedHeaders, signature] = match as unknown as string[];
  if (secretId !== credentials.secretId) return 'AuthFailure.SecretIdNotFound';
  const expectedService = header('host').split('.')[0];
  if (service !== expectedService)
    return `AuthFailure.InvalidAuthorization: service ${service}, host names ${expectedService}`;
  if (date !== new Date(timestamp * 1000).toISOString().slice(0, 10)) return 'AuthFailure.InvalidAuthorization: date';
  const names = signedHeaders!.split(';');
  if (!names.includes('host') || !names.includes('content-type')) return 'AuthFailure.InvalidAuthorization: headers';
  // Tencent's hosts carry no port; a stand-in on a port signs the host name alone, as the SDK does.
  const signedValue = (name: string) => (name === 'host' ? header('host').replace(/:\d+$/, '') : header(name));
  const canonicalHeaders = names.map((name) => `${name}:${signedValue(name).trim().toLowerCase()}\n`).join('');
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256(request.body)].join('\n');
  const scope = `${date}/${service}/tc3_request`;
  const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${sha256(canonicalRequest)}`;
  const secretDate = hmac(`TC3${credentials.secretKey}`, date!);
  const secretService = hmac(secretDate, service!);
  const secretSigning = hmac(secretService, 'tc3_request');
  if (hmac(secretSigning, stringToSign).toString('hex') !== signature) return 'AuthFailure.SignatureFailure';
  const body = JSON.parse(request.body) as Record<string, unknown>;
  if (body.SmsSdkAppId !== credentials.sdkAppId) return 'FailedOperation.SmsSdkAppIdVerifyFail';
  for (const required of ['PhoneNumberSet', 'SignName', 'TemplateId'])
    if (body[required] === undefined) return `MissingParameter: ${required}`;
  return undefined;
}
