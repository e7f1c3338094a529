import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Page } from './cursor-page';

/**
 * The OpenAPI schema of a cursor page of `item` (contract §6): extend it to name the page, e.g.
 * `export class TeamPage extends PageOf(TeamResponse) {}`.
 */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  class PageOfItem implements Page<T> {
    @ApiProperty({ type: [item] })
    data!: T[];

    @ApiProperty({
      type: String,
      nullable: true,
      description: 'pass as `?cursor=` for the next page; null on the last page',
    })
    next_cursor!: string | null;
  }
  return PageOfItem;
}
