import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../../../common/http/cursor-page';
import { GROUP_FIELDS } from '../usage-report.service';
import { STATUS_FILTER_HELP } from '../usage-log-filters';

/**
 * The query parameters of the usage reports, for /docs-json (contract §6, §9.6). The service parses
 * them itself (`UsageReportService.filters`, `parseGroupBy`), so they are documented, not validated, here.
 */
const TIME = (edge: string) =>
  ApiQuery({
    name: edge,
    required: false,
    schema: { type: 'string' },
    description: `RFC 3339 or YYYY-MM-DD (UTC)${edge === 'to' ? '; exclusive' : ''}; absent: open`,
  });
const UUID = (name: string, description: string) =>
  ApiQuery({ name, required: false, schema: { type: 'string', format: 'uuid' }, description });

const MODEL = ApiQuery({
  name: 'model',
  required: false,
  schema: { type: 'string' },
  description: 'public model',
});
const GROUP_BY = ApiQuery({
  name: 'group_by',
  required: false,
  schema: { type: 'string' },
  description: `comma-separated, any of ${GROUP_FIELDS.join(', ')}; absent: totals only`,
});

/** `GET /v1/usage`: the calling key's own usage. */
export const ApiSelfUsageQuery = () => applyDecorators(TIME('from'), TIME('to'), GROUP_BY, MODEL);

/** `GET /admin/usage/summary`. */
export const ApiUsageSummaryQuery = () =>
  applyDecorators(
    TIME('from'),
    TIME('to'),
    GROUP_BY,
    UUID('team_id', 'team admins: their own team only'),
    UUID('key_id', 'one key'),
    MODEL,
  );

/** `GET /admin/usage/logs`. */
export const ApiUsageLogsQuery = () =>
  applyDecorators(
    TIME('from'),
    TIME('to'),
    UUID('team_id', 'team admins: their own team only'),
    UUID('key_id', 'one key'),
    MODEL,
    ApiQuery({
      name: 'provider',
      required: false,
      schema: { type: 'string', example: 'openai' },
      description: 'the provider that served the record (exact: openai, anthropic, gemini…)',
    }),
    ApiQuery({
      name: 'status',
      required: false,
      schema: { type: 'string', example: 'error' },
      description: `${STATUS_FILTER_HELP}; anything else is a 400`,
    }),
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT },
    }),
    ApiQuery({
      name: 'cursor',
      required: false,
      schema: { type: 'string' },
      description: 'opaque, from the previous page',
    }),
    ApiQuery({
      name: 'format',
      required: false,
      schema: { type: 'string', enum: ['json', 'csv'] },
      description: 'csv: every matching record as one CSV download (no pages)',
    }),
  );
