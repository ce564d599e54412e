// The one error type of the data loaders: what went wrong and with which file (URL or path).

export class DataLoadError extends Error {
  /** The file (URL in the browser, path in Node) the problem is about. */
  readonly file: string;

  constructor(file: string, problem: string) {
    // Parser messages already start with the file name; other problems get it prepended.
    super(problem.includes(file) ? problem : `${file}: ${problem}`);
    this.name = 'DataLoadError';
    this.file = file;
  }
}
