import { GatewayError } from '../common/errors/gateway-error';
import { renderErrorBody } from './error-bodies';

describe('renderErrorBody (contract §3)', () => {
  const budget = new GatewayError('budget_exceeded', 'over budget', { retryAfterSeconds: 5 });
  const rate = new GatewayError('rate_limit_exceeded', 'too many');
  const badField = new GatewayError('invalid_request', "'temperature' must be a number", {
    param: 'temperature',
  });

  it('renders the OpenAI shape with type and code per status', () => {
    expect(renderErrorBody('openai', budget, 'r1')).toEqual({
      error: { message: 'over budget', type: 'insufficient_quota', param: null, code: 'budget_exceeded' },
    });
    expect(renderErrorBody('openai', badField, 'r1')).toMatchObject({
      error: { type: 'invalid_request_error', param: 'temperature' },
    });
  });

  it('prefixes the code in dialects without a code field', () => {
    expect(renderErrorBody('anthropic', budget, 'r1')).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'budget_exceeded: over budget' },
      request_id: 'r1',
    });
    expect(renderErrorBody('google', rate, 'r1')).toEqual({
      error: { code: 429, message: 'rate_limit_exceeded: too many', status: 'RESOURCE_EXHAUSTED' },
    });
  });

  it('uses Kling and Seedance codes', () => {
    expect(renderErrorBody('kling', budget, 'r1')).toMatchObject({ code: 1102 });
    expect(renderErrorBody('kling', rate, 'r1')).toMatchObject({ code: 1302 });
    expect(renderErrorBody('seedance', budget, 'r1')).toMatchObject({ error: { code: 'QuotaExceeded' } });
    expect(renderErrorBody('seedance', new GatewayError('no_healthy_deployment', 'x'), 'r1')).toMatchObject({
      error: { code: 'InternalServiceError' },
    });
  });

  it('uses overloaded_error for an Anthropic 503', () => {
    expect(
      renderErrorBody('anthropic', new GatewayError('no_healthy_deployment', 'none'), 'r'),
    ).toMatchObject({ error: { type: 'overloaded_error' } });
  });
});
