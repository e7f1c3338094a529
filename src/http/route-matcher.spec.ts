import { RouteMatcher } from './route-matcher';
import { ROUTE_TABLE } from './route-table';

describe('RouteMatcher over the route table', () => {
  const matcher = new RouteMatcher(ROUTE_TABLE);
  const serves = (method: string, path: string) => {
    const m = matcher.match(method, path);
    return m && { serves: m.entry.serves, params: m.params };
  };

  it('matches exact paths, with and without /v1', () => {
    expect(serves('POST', '/v1/chat/completions')).toEqual({
      serves: { operation: 'chat.completions' },
      params: {},
    });
    expect(serves('POST', '/chat/completions')?.serves).toEqual({ operation: 'chat.completions' });
    expect(serves('GET', '/v1/chat/completions')).toBeUndefined();
  });

  it('serves HEAD as GET', () => {
    expect(serves('HEAD', '/v1/models')?.serves).toEqual({ service: 'models.list' });
    expect(serves('HEAD', '/v1/chat/completions')).toBeUndefined();
  });

  it('hands a Google model action its model (decoded) and its action', () => {
    expect(serves('POST', '/v1beta/models/gemini-flash:streamGenerateContent')).toEqual({
      serves: { operation: 'generateContent' },
      params: { action: 'streamGenerateContent', model: 'gemini-flash' },
    });
    expect(serves('POST', '/gemini/v1beta/models/tuned%2Fx:countTokens')?.params).toEqual({
      action: 'countTokens',
      model: 'tuned/x',
    });
    expect(serves('POST', '/v1beta/models/gemini-flash:unknownAction')).toBeUndefined();
  });

  it('lets a model name span segments only where the entry says so', () => {
    expect(serves('GET', '/v1/models/org/model-a')?.params).toEqual({ model: 'org/model-a' });
    expect(serves('GET', '/v1beta/cachedContents/a/b')).toBeUndefined();
    expect(serves('DELETE', '/v1beta/cachedContents/abc')).toEqual({
      serves: { service: 'cachedContents.delete' },
      params: { id: 'abc' },
    });
  });

  it('does not match a parameter that is not valid percent-encoding', () => {
    expect(serves('GET', '/v1beta/cachedContents/%E0%A4%A')).toBeUndefined();
  });
});
