import { StringDecoder } from 'node:string_decoder';
import type { UploadFormat } from '../db/types';
import { AppError } from '../errors';
import { moleculeLimitProblem } from '../chem/molecule-size';
import { inputLimits, type InputLimits } from '../limits';
import { readDelimited, type DelimitedRecord } from './delimited';
import { LineSplitter, type Line } from './lines';

/** One line (CSV, TSV, SMILES) or record (SDF) of a file: a molecule, or why it was refused. */
export interface ParsedRow {
  /** 1-based line number in the (decompressed) file where the row starts. */
  line: number;
  externalId: string | null;
  smiles: string | null;
  molblock: string | null;
  error: string | null;
}

export interface ParseOptions {
  format: UploadFormat;
  /** CSV/TSV: the header column holding SMILES, or holding the item's own name (SDF: a data field). */
  smilesColumn?: string;
  idColumn?: string;
  /** Most molecule rows (good and bad); more is PAYLOAD_TOO_LARGE. */
  maxRows: number;
}

/** What the parse found out about the file, filled in as it goes. */
export interface ParseSummary {
  rowsTotal: number;
  rowsBad: number;
  idColumn: string | null;
  smilesColumn: string | null;
}

/** Header names taken for the SMILES and the id column, compared case-insensitively. */
export const SMILES_COLUMNS = ['smiles', 'canonical_smiles', 'canonical smiles', 'isomeric_smiles', 'smile', 'structure', 'mol_smiles'];
export const ID_COLUMNS = ['id', 'name', 'compound_id', 'compound id', 'compound', 'molecule_id', 'mol_id', 'molecule', 'title', 'identifier', 'chembl_id', 'zinc_id', 'cid'];

/** Longest line (or SDF record beyond its MOL block limit) read; longer ones are bad rows, never buffered. */
export const MAX_LINE_CHARS = 1024 * 1024;
/** Longest id kept beside a result. */
export const MAX_ID_CHARS = 500;

/**
 * Parses a decompressed byte stream into rows, a batch per chunk, without ever holding more than
 * one chunk and one unfinished line. `summary` is updated as rows come out.
 */
export async function* parseRows(chunks: AsyncIterable<Buffer>, o: ParseOptions, summary: ParseSummary): AsyncGenerator<ParsedRow[]> {
  const decoder = new StringDecoder('utf8');
  // Read once: reading the environment per row would cost more than the parse itself.
  const parser = parserFor(o, summary, inputLimits());
  let first = true;
  const counted = (rows: ParsedRow[]) => {
    for (const r of rows) if (r.error) summary.rowsBad++;
    summary.rowsTotal += rows.length;
    if (summary.rowsTotal > o.maxRows) {
      throw new AppError('PAYLOAD_TOO_LARGE', `the file has more than ${o.maxRows.toLocaleString('en')} molecules, the limit for one upload (GATEWAY_MAX_UPLOAD_ROWS); split it into several files`, {
        field: 'rows',
        limit: o.maxRows,
      });
    }
    return rows;
  };
  for await (const chunk of chunks) {
    let text = decoder.write(chunk);
    if (first && text.length) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark
      first = false;
    }
    const rows = parser.push(text);
    if (rows.length) yield counted(rows);
  }
  const rows = [...parser.push(decoder.end()), ...parser.end()];
  if (rows.length) yield counted(rows);
}

interface RowParser {
  push(text: string): ParsedRow[];
  end(): ParsedRow[];
}

function parserFor(o: ParseOptions, summary: ParseSummary, limits: InputLimits): RowParser {
  if (o.format === 'csv' || o.format === 'tsv') return delimitedParser(o, summary, limits);
  if (o.format === 'smi') return smilesParser(limits);
  return sdfParser(o, summary, limits);
}

const bad = (line: number, error: string, smiles: string | null = null, externalId: string | null = null): ParsedRow => ({ line, externalId, smiles, molblock: null, error });

/** A SMILES as read from a file: trimmed, checked against the gateway's molecule limits (not yet parsed). */
function smilesRow(line: number, raw: string | undefined, externalId: string | null, limits: InputLimits): ParsedRow {
  const smiles = (raw ?? '').trim();
  const id = externalId?.trim() || null;
  if (!smiles) return bad(line, `line ${line}: the SMILES is empty`, null, id);
  if (smiles.includes('\0') || id?.includes('\0')) return bad(line, `line ${line}: contains a NUL character`);
  const problem = moleculeLimitProblem('smiles', smiles, limits);
  if (problem) return bad(line, `line ${line}: the SMILES ${problem}`, smiles.slice(0, 200), id);
  if (id && id.length > MAX_ID_CHARS) return bad(line, `line ${line}: the id is ${id.length} characters long; the limit is ${MAX_ID_CHARS}`, smiles);
  return { line, externalId: id, smiles, molblock: null, error: null };
}

function findColumn(header: string[], wanted: string | undefined, names: string[], field: string): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  if (wanted !== undefined) {
    const at = lower.indexOf(wanted.trim().toLowerCase());
    if (at < 0) throw new AppError('INVALID_INPUT', `${field}: the file has no column "${wanted}"; its header is ${header.map((h) => `"${h}"`).join(', ')}`, { field });
    return at;
  }
  for (const name of names) {
    const at = lower.indexOf(name);
    if (at >= 0) return at;
  }
  return -1;
}

/**
 * CSV (RFC 4180 quoting) and TSV. The first record is a header when it names a SMILES column (or
 * the column the caller named); otherwise the first column is the SMILES and the second, if any, the id.
 */
function delimitedParser(o: ParseOptions, summary: ParseSummary, limits: InputLimits): RowParser {
  const reader = readDelimited(o.format === 'tsv' ? '\t' : ',', MAX_LINE_CHARS);
  let columns: { smiles: number; id: number; count: number } | null = null;
  const toRows = (records: DelimitedRecord[]): ParsedRow[] => {
    const rows: ParsedRow[] = [];
    for (const r of records) {
      if (r.fields.length === 1 && r.fields[0].trim() === '' && !r.tooLong) continue; // a blank line
      if (!columns) {
        const smiles = findColumn(r.fields, o.smilesColumn, SMILES_COLUMNS, 'smilesColumn');
        if (smiles >= 0) {
          const id = findColumn(r.fields, o.idColumn, ID_COLUMNS, 'idColumn');
          columns = { smiles, id, count: r.fields.length };
          summary.smilesColumn = r.fields[smiles].trim();
          summary.idColumn = id >= 0 ? r.fields[id].trim() : null;
          continue;
        }
        if (o.idColumn !== undefined) throw new AppError('INVALID_INPUT', `idColumn: the file has no header naming a SMILES column, so no column "${o.idColumn}"`, { field: 'idColumn' });
        columns = { smiles: 0, id: r.fields.length > 1 ? 1 : -1, count: r.fields.length };
      }
      if (r.tooLong) rows.push(bad(r.line, `line ${r.line}: the record is longer than ${MAX_LINE_CHARS} characters`));
      else if (r.unterminated) rows.push(bad(r.line, `line ${r.line}: a quoted field is never closed (a " without its closing ")`));
      else if (r.fields.length !== columns.count) rows.push(bad(r.line, `line ${r.line}: has ${r.fields.length} fields; the ${summary.smilesColumn ? 'header has' : 'first line has'} ${columns.count}`));
      else rows.push(smilesRow(r.line, r.fields[columns.smiles], columns.id >= 0 ? r.fields[columns.id] : null, limits));
    }
    return rows;
  };
  return { push: (text) => toRows(reader.push(text)), end: () => toRows(reader.end()) };
}

/** `SMILES [whitespace id]` a line; blank lines and `#` comments skipped, a leading `smiles …` header too. */
function smilesParser(limits: InputLimits): RowParser {
  const lines = new LineSplitter(MAX_LINE_CHARS);
  let sawData = false;
  const toRows = (batch: Line[]): ParsedRow[] => {
    const rows: ParsedRow[] = [];
    for (const l of batch) {
      if (l.tooLong) {
        rows.push(bad(l.no, `line ${l.no}: is longer than ${MAX_LINE_CHARS} characters`));
        continue;
      }
      const text = l.text.trim();
      if (!text || text.startsWith('#')) continue;
      const cut = text.search(/\s/);
      const smiles = cut < 0 ? text : text.slice(0, cut);
      if (!sawData) {
        sawData = true;
        if (SMILES_COLUMNS.includes(smiles.toLowerCase())) continue;
      }
      rows.push(smilesRow(l.no, smiles, cut < 0 ? null : text.slice(cut), limits));
    }
    return rows;
  };
  return { push: (text) => toRows(lines.push(text)), end: () => toRows(lines.end()) };
}

/**
 * SDF: records end at `$$$$` (the last may omit it). The MOL block is kept for the worker to turn
 * into SMILES; the name is the data field the caller named, else an id-like field, else the title line.
 */
function sdfParser(o: ParseOptions, summary: ParseSummary, limits: InputLimits): RowParser {
  const lines = new LineSplitter(MAX_LINE_CHARS);
  let record: string[] = [];
  let start = 0;
  let chars = 0;
  let tooLong = false;
  const cap = 2 * MAX_LINE_CHARS;
  summary.idColumn = o.idColumn ?? null;

  const finish = (rows: ParsedRow[]) => {
    const lineNo = start;
    const body = record;
    const overlong = tooLong;
    record = [];
    chars = 0;
    tooLong = false;
    if (overlong) return rows.push(bad(lineNo, `record at line ${lineNo}: is longer than ${cap} characters`));
    if (body.every((l) => !l.trim())) return;
    rows.push(sdfRecord(lineNo, body, o.idColumn, limits));
  };
  const toRows = (batch: Line[]): ParsedRow[] => {
    const rows: ParsedRow[] = [];
    for (const l of batch) {
      if (l.text.startsWith('$$$$')) {
        finish(rows);
        continue;
      }
      if (record.length === 0 && !tooLong) start = l.no;
      if (l.tooLong) tooLong = true;
      if (tooLong) continue;
      chars += l.text.length + 1;
      if (chars > cap) {
        tooLong = true;
        record = [];
        continue;
      }
      record.push(l.text);
    }
    return rows;
  };
  return {
    push: (text) => toRows(lines.push(text)),
    end: () => {
      const rows = toRows(lines.end());
      if (record.length || tooLong) finish(rows);
      return rows;
    },
  };
}

function sdfRecord(line: number, body: string[], idField: string | undefined, limits: InputLimits): ParsedRow {
  const end = body.findIndex((l) => l.startsWith('M  END'));
  if (end < 0) return bad(line, `record at line ${line}: has no "M  END" line; each SDF record is a MOL block ending in "M  END", then data fields, then "$$$$"`);
  const molblock = body.slice(0, end + 1).join('\n');
  if (molblock.includes('\0')) return bad(line, `record at line ${line}: contains a NUL character`);
  const problem = moleculeLimitProblem('molblock', molblock, limits);
  if (problem) return bad(line, `record at line ${line}: the MOL block ${problem}`);
  const fields = new Map<string, string>();
  for (let i = end + 1; i < body.length; i++) {
    const m = /^>.*<([^>]+)>/.exec(body[i]);
    if (!m) continue;
    const value: string[] = [];
    while (i + 1 < body.length && body[i + 1].trim() !== '') value.push(body[++i]);
    fields.set(m[1].trim().toLowerCase(), value.join('\n').trim());
  }
  let id: string | null = null;
  if (idField !== undefined) id = fields.get(idField.trim().toLowerCase()) ?? null;
  else {
    for (const name of ID_COLUMNS) {
      if (fields.get(name)) {
        id = fields.get(name)!;
        break;
      }
    }
    id ??= body[0].trim() || null;
  }
  if (id && id.length > MAX_ID_CHARS) id = id.slice(0, MAX_ID_CHARS);
  return { line, externalId: id, smiles: null, molblock, error: null };
}
