import http from 'http';
import { AddressInfo } from 'net';
import { httpSmokeCheck } from './smokeCheck';

describe('httpSmokeCheck', () => {
  let server: http.Server;
  let url: string;
  let answers: number[];

  beforeEach(async () => {
    answers = [];
    server = http.createServer((_req, res) => {
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  });
  afterEach(() => new Promise(resolve => server.close(resolve)));

  it('passes on the first 2xx answer, retrying after failures', async () => {
    answers = [503, 200];
    await expect(
      httpSmokeCheck({ attempts: 3, timeoutMs: 1000, intervalMs: 1 })(url),
    ).resolves.toEqual({
      ok: true,
      detail: `GET ${url} answered 200 on attempt 2 of 3`,
    });
  });

  it('fails when every attempt fails, with the last answer', async () => {
    answers = [500, 500];
    await expect(
      httpSmokeCheck({ attempts: 2, timeoutMs: 1000, intervalMs: 1 })(url),
    ).resolves.toEqual({
      ok: false,
      detail: `GET ${url} answered 500 (2 attempts)`,
    });
  });

  it('fails when nothing answers', async () => {
    const result = await httpSmokeCheck({
      attempts: 1,
      timeoutMs: 1000,
      intervalMs: 1,
    })('http://127.0.0.1:1/health');
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/^GET http:\/\/127.0.0.1:1\/health failed: /);
  });
});
