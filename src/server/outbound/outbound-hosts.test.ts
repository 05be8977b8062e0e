import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors';
import { assertOutboundAllowed, checkOutboundUrl, parseOutboundHosts } from './outbound-hosts';

const LIST = 'models.example.com, *.svc.internal, 10.0.0.5:8080, 192.168.1.7, [fd00::5], ::1, gpu.example.org:443, Upper.Example.NET.';

const allowed = (url: string, list = LIST) => checkOutboundUrl(url, list).ok;
const reason = (url: string, list = LIST) => {
  const c = checkOutboundUrl(url, list);
  return c.ok ? '' : c.reason;
};

describe('the outbound allow-list (GATEWAY_OUTBOUND_HOSTS)', () => {
  it('allows nothing when unset or empty', () => {
    expect(parseOutboundHosts(undefined)).toEqual([]);
    for (const list of ['', ' , ']) {
      expect(allowed('http://127.0.0.1:8000/', list)).toBe(false);
      expect(allowed('https://models.example.com/', list)).toBe(false);
    }
    expect(reason('http://127.0.0.1:8000/', '')).toMatch(/the host 127\.0\.0\.1:8000 is not in GATEWAY_OUTBOUND_HOSTS.*administrator/);
  });

  it('matches host names exactly, whatever their case or a trailing dot', () => {
    expect(allowed('http://models.example.com/v2')).toBe(true);
    expect(allowed('https://MODELS.Example.COM:9443/')).toBe(true); // no port in the entry: any port
    expect(allowed('http://models.example.com./')).toBe(true);
    expect(allowed('http://upper.example.net/')).toBe(true);
    expect(allowed('http://example.com/')).toBe(false);
    expect(allowed('http://models.example.com.evil.com/')).toBe(false);
    expect(allowed('http://evilmodels.example.com/')).toBe(false);
    expect(allowed('http://a.models.example.com/')).toBe(false);
  });

  it('matches wildcards on subdomains at any depth, never the bare domain or look-alikes', () => {
    expect(allowed('http://triton.svc.internal:8000/')).toBe(true);
    expect(allowed('http://a.b.svc.internal/')).toBe(true);
    expect(allowed('http://A.SVC.INTERNAL./')).toBe(true);
    expect(allowed('http://svc.internal/')).toBe(false);
    expect(allowed('http://evilsvc.internal/')).toBe(false);
    expect(allowed('http://svc.internal.evil.com/')).toBe(false);
  });

  it('holds entries with a port to that port, counting the scheme default', () => {
    expect(allowed('http://10.0.0.5:8080/')).toBe(true);
    expect(allowed('http://10.0.0.5/')).toBe(false);
    expect(allowed('http://10.0.0.5:8081/')).toBe(false);
    expect(allowed('https://gpu.example.org/')).toBe(true);
    expect(allowed('https://gpu.example.org:443/')).toBe(true);
    expect(allowed('http://gpu.example.org/')).toBe(false); // port 80
    expect(allowed('http://gpu.example.org:443/')).toBe(true);
  });

  it('matches IPv4 literals by address, however the URL spells them', () => {
    expect(allowed('http://192.168.1.7:5000/')).toBe(true);
    expect(allowed('http://3232235783/')).toBe(true); // 192.168.1.7 as one number
    expect(allowed('http://0xc0.0xa8.1.7/')).toBe(true);
    expect(allowed('http://192.168.1.8/')).toBe(false);
    expect(allowed('http://127.0.0.1/')).toBe(false);
    expect(allowed('http://2130706433/')).toBe(false); // 127.0.0.1
    expect(allowed('http://192.168.1.7.nip.io/')).toBe(false);
  });

  it('matches IPv6 literals in brackets or bare, by address', () => {
    expect(allowed('http://[fd00::5]:8000/')).toBe(true);
    expect(allowed('http://[FD00:0:0:0:0:0:0:5]/')).toBe(true);
    expect(allowed('http://[::1]:3000/')).toBe(true);
    expect(allowed('http://[0:0:0:0:0:0:0:1]/')).toBe(true);
    expect(allowed('http://[fd00::6]/')).toBe(false);
    expect(allowed('http://[::ffff:127.0.0.1]/', '127.0.0.1')).toBe(false); // another spelling is another host
    expect(allowed('http://[::1]:8080/', '[::1]:8080')).toBe(true);
    expect(allowed('http://[::1]:8081/', '[::1]:8080')).toBe(false);
  });

  it('decides on the host the request would really go to (userinfo and other tricks)', () => {
    expect(allowed('http://models.example.com@evil.com/')).toBe(false);
    expect(reason('http://models.example.com@models.example.com/')).toMatch(/user name or password.*runtime\.headers/);
    expect(allowed('http://user:pw@models.example.com/')).toBe(false);
    expect(allowed('http://evil.com#@models.example.com/')).toBe(false);
    expect(allowed('http://evil.com?@models.example.com/')).toBe(false);
    expect(allowed('http://evil.com\\@models.example.com/')).toBe(false);
    expect(allowed('http://models.example.com\\@evil.com/')).toBe(true); // WHATWG: "\" ends the host, as the request parses it
    expect(checkOutboundUrl('http://models.example.com\\@evil.com/', LIST)).toMatchObject({ url: { hostname: 'models.example.com' } });
    expect(allowed('http://evil.com/models.example.com')).toBe(false);
    expect(allowed('http://models.example.com%2eevil.com/')).toBe(false);
  });

  it('refuses schemes other than http and https, and what is not a URL', () => {
    for (const url of ['ftp://models.example.com/', 'file:///etc/passwd', 'gopher://models.example.com/', 'data:text/plain,x', 'javascript:alert(1)']) {
      expect(reason(url)).toMatch(/only http:\/\/ and https:\/\//);
    }
    expect(reason('models.example.com')).toMatch(/not a URL/);
  });

  it('refuses malformed entries, saying which and how to write them', () => {
    for (const bad of ['*', 'http://a.com', 'a.com/path', 'a.com:0', 'a.com:99999', 'a.com:', '*.10.0.0.0', 'us er@a.com', '*.[::1]']) {
      expect(() => parseOutboundHosts(bad), bad).toThrow(AppError);
    }
    expect(reason('http://a.com/', 'a.com, http://b.com')).toMatch(/GATEWAY_OUTBOUND_HOSTS: "http:\/\/b\.com" is not a host/);
    expect(parseOutboundHosts(' A.com , *.B.com:8000 ,,[::1]:9 ')).toEqual([
      { host: 'a.com', wildcard: false, port: null },
      { host: 'b.com', wildcard: true, port: 8000 },
      { host: '[::1]', wildcard: false, port: 9 },
    ]);
  });

  it('refuses a runtime whose URL is outside the list as INVALID_INPUT naming the host and the setting', () => {
    vi.stubEnv('GATEWAY_OUTBOUND_HOSTS', 'models.example.com');
    try {
      expect(() => assertOutboundAllowed({ kind: 'http', url: 'http://10.1.2.3:8000/' })).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/runtime\.url: the host 10\.1\.2\.3:8000 is not in GATEWAY_OUTBOUND_HOSTS/) }),
      );
      expect(() => assertOutboundAllowed({ kind: 'http', url: 'https://models.example.com/' })).not.toThrow();
      expect(() => assertOutboundAllowed({ kind: 'process' })).not.toThrow();
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
