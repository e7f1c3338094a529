import { splitSqlScript } from '../prisma/sql-script';

describe('splitSqlScript (migration scripts, as Postgres splits them)', () => {
  it('splits plain statements and drops empty pieces', () => {
    expect(splitSqlScript('CREATE TABLE a (x int);\n\n-- note\nALTER TABLE a ADD y int;\n')).toEqual([
      'CREATE TABLE a (x int)',
      '-- note\nALTER TABLE a ADD y int',
    ]);
  });

  it('keeps DO blocks, quoted text and comments whole', () => {
    const script = [
      "DO $$ BEGIN PERFORM 1; RAISE NOTICE 'a;b'; END $$",
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$ BEGIN RETURN 1; END $fn$',
      "SELECT 'it''s; fine', E'back\\'slash;', \"odd;name\" FROM t /* a; /* nested; */ comment */",
      '-- a; comment\nSELECT $1',
    ];
    expect(splitSqlScript(script.join(';\n'))).toEqual(script);
  });
});
