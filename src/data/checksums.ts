// Reads and writes the plain-text checksum table (../shared/data/CHECKSUMS): one line per file,
// "<dataset>/<file>  <sha256>  <bytes> bytes", '#' starts a comment.
import type { ParseResult } from './idx';
import { DATASET_NAMES, IDX_FILE_NAMES, isDatasetName, isIdxFileName, type ChecksumTable, type FileChecksum } from './registry';

export function parseChecksums(text: string, fileName: string): ParseResult<ChecksumTable> {
  const found = new Map<string, FileChecksum>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/#.*$/, '').trim();
    if (line === '') continue;
    const where = `${fileName}:${i + 1}`;
    const [id, sha256, bytesText, unit, ...extra] = line.split(/\s+/);
    const [dataset, file, ...rest] = id.split('/');
    if (!isDatasetName(dataset) || !isIdxFileName(file) || rest.length > 0) {
      return { ok: false, error: `${where}: "${id}" is not <dataset>/<file> with a known dataset and IDX file name` };
    }
    if (sha256 === undefined || !/^[0-9a-fA-F]{64}$/.test(sha256)) {
      return { ok: false, error: `${where}: expected a 64-digit hex SHA-256 after ${id}` };
    }
    const bytes = Number(bytesText);
    if (bytesText === undefined || !Number.isInteger(bytes) || bytes <= 0 || (unit !== undefined && unit !== 'bytes') || extra.length > 0) {
      return { ok: false, error: `${where}: expected "<size> bytes" after the hash of ${id}` };
    }
    if (found.has(id)) return { ok: false, error: `${where}: ${id} is listed twice` };
    found.set(id, { sha256: sha256.toLowerCase(), bytes });
  }
  const table = {} as ChecksumTable;
  for (const dataset of DATASET_NAMES) {
    table[dataset] = {} as ChecksumTable[typeof dataset];
    for (const file of IDX_FILE_NAMES) {
      const entry = found.get(`${dataset}/${file}`);
      if (entry === undefined) return { ok: false, error: `${fileName}: no checksum for ${dataset}/${file}` };
      table[dataset][file] = entry;
    }
  }
  return { ok: true, value: table };
}

export function formatChecksums(table: Readonly<ChecksumTable>): string {
  const lines: string[] = [];
  for (const dataset of DATASET_NAMES) {
    for (const file of IDX_FILE_NAMES) {
      const { sha256, bytes } = table[dataset][file];
      lines.push(`${`${dataset}/${file}`.padEnd(38)} ${sha256}  ${bytes} bytes`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Lists the entries on which two tables disagree, as readable lines (empty when equal). */
export function diffChecksums(a: Readonly<ChecksumTable>, b: Readonly<ChecksumTable>, aName: string, bName: string): string[] {
  const problems: string[] = [];
  for (const dataset of DATASET_NAMES) {
    for (const file of IDX_FILE_NAMES) {
      const x = a[dataset][file];
      const y = b[dataset][file];
      if (x.sha256 !== y.sha256 || x.bytes !== y.bytes) {
        problems.push(`${dataset}/${file}: ${aName} has ${x.sha256} (${x.bytes} bytes), ${bName} has ${y.sha256} (${y.bytes} bytes)`);
      }
    }
  }
  return problems;
}
