import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * The WeChat official-account API as CarePool uses it (stable_token, template/send, the OAuth code
 * exchange), checking app id, secret and the current access token; and a real SMTP server
 * (smtp-server) that requires the configured credentials and keeps each message it accepts.
 */
export interface WeChatStandIn {
  url: string;
  appId: string;
  appSecret: string;
  /** OAuth codes it accepts, and the openid each stands for. */
  codes: Map<string, string>;
  sent: { touser: string; template_id: string; client_msg_id?: string; data: Record<string, { value: string }> }[];
  tokenRequests: number;
  /** The next template/send answers errcode 42001 (token expired) once. */
  expireTokenOnce: boolean;
  close(): Promise<void>;
}

export async function startWeChatStandIn(appId = 'wx-test-app', appSecret = 'wx-test-secret'): Promise<WeChatStandIn> {
  let token = '';
  const sockets = new Set<Socket>();
  const standIn: WeChatStandIn = {
    url: '',
    appId,
    appSecret,
    codes: new Map(),
    sent: [],
    tokenRequests: 0,
    expireTokenOnce: false,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const answer = (body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const body =
        chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      if (req.method === 'POST' && url.pathname === '/cgi-bin/stable_token') {
        standIn.tokenRequests += 1;
        if (body.grant_type !== 'client_credential' || body.appid !== appId || body.secret !== appSecret)
          return answer({ errcode: 40013, errmsg: 'invalid appid' });
        token = `token-${standIn.tokenRequests}`;
        return answer({ access_token: token, expires_in: 7200 });
      }
      if (req.method === 'POST' && url.pathname === '/cgi-bin/message/template/send') {
        if (standIn.expireTokenOnce) {
          standIn.expireTokenOnce = false;
          token = 'expired';
          return answer({ errcode: 42001, errmsg: 'access_token expired' });
        }
        if (url.searchParams.get('access_token') !== token || token === '')
          return answer({ errcode: 40001, errmsg: 'invalid credential, access_token is invalid' });
        if (typeof body.touser !== 'string' || typeof body.template_id !== 'string' || typeof body.data !== 'object')
          return answer({ errcode: 47001, errmsg: 'data format error' });
        standIn.sent.push(body as WeChatStandIn['sent'][number]);
        return answer({ errcode: 0, errmsg: 'ok', msgid: 1000 + standIn.sent.length });
      }
      if (req.method === 'GET' && url.pathname === '/sns/oauth2/access_token') {
        const openid = standIn.codes.get(url.searchParams.get('code') ?? '');
        if (url.searchParams.get('appid') !== appId || url.searchParams.get('secret') !== appSecret)
          return answer({ errcode: 40125, errmsg: 'invalid appsecret' });
        if (url.searchParams.get('grant_type') !== 'authorization_code' || !openid)
          return answer({ errcode: 40029, errmsg: 'invalid code' });
        standIn.codes.delete(url.searchParams.get('code') ?? '');
        return answer({ access_token: 'user-token', expires_in: 7200, openid, scope: 'snsapi_base' });
      }
      res.writeHead(404);
      res.end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpStandIn {
  url: string;
  received: ReceivedMail[];
  close(): Promise<void>;
}

/** A real SMTP server on a free port that accepts mail only after AUTH with these credentials. */
export async function startSmtpServer(user = 'clinic', password = 'smtp-secret'): Promise<SmtpStandIn> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${user}:${password}@127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
