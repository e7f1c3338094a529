import { nullableTo31 } from './nullable-to-3-1';

describe('nullableTo31', () => {
  it('adds null to the type (and to an enum)', () => {
    expect(nullableTo31({ type: 'string', nullable: true, enum: ['a'] })).toEqual({
      type: ['string', 'null'],
      enum: ['a', null],
    });
    expect(nullableTo31({ type: ['integer', 'string'], nullable: true })).toEqual({
      type: ['integer', 'string', 'null'],
    });
  });

  it('wraps a nullable schema without a type in anyOf, keeping its description outside', () => {
    expect(nullableTo31({ $ref: '#/components/schemas/X', nullable: true, description: 'd' })).toEqual({
      description: 'd',
      anyOf: [{ $ref: '#/components/schemas/X' }, { type: 'null' }],
    });
  });

  it('rewrites at any depth, drops nullable: false, and leaves everything else as it was', () => {
    const doc = {
      a: [{ properties: { x: { type: 'number', nullable: true } } }],
      b: { nullable: false, type: 'object' },
    };
    expect(nullableTo31(doc)).toEqual({
      a: [{ properties: { x: { type: ['number', 'null'] } } }],
      b: { type: 'object' },
    });
  });
});
