import { EventEmitter } from 'node:events';
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import type { VariableSource } from '../env-vars.js';
import { ConfigError } from './config-error.js';
import type { Config } from './config-schema.js';
import { parseConfig, readConfigText as readText } from './load-config.js';

export interface ConfigWatcherEvents {
  /** A changed file validated: this is the config to run now. */
  reload: [config: Config];
  /** A changed file did not validate (or could not be read): the last good config stays in force. */
  invalid: [error: ConfigError];
}

export interface WatchOptions {
  source: VariableSource;
  /** Editors save in several writes (truncate, write, rename); wait this long for them to settle. */
  debounceMs?: number;
}

/**
 * Keeps `mcpwatch.yaml` loaded: reloads it when it changes and keeps the last good config when an edit is
 * bad, so a typo never stops monitoring. Watches the directory, not the file, because editors replace
 * the file on save and a watch on the old inode would go quiet.
 */
export class ConfigWatcher extends EventEmitter<ConfigWatcherEvents> {
  readonly file: string;
  #config: Config;
  #text: string;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Reloads run one after another, so a slow read of an older save cannot land after a newer one. */
  #reloading: Promise<void> = Promise.resolve();
  #options: WatchOptions;

  private constructor(file: string, config: Config, text: string, options: WatchOptions) {
    super();
    this.file = file;
    this.#config = config;
    this.#text = text;
    this.#options = options;
  }

  /** Loads the file once (a bad first load throws: there is no good config to keep) and starts watching. */
  static async start(file: string, options: WatchOptions): Promise<ConfigWatcher> {
    const text = await readText(file);
    const watcher = new ConfigWatcher(file, parseConfig(text, file, options.source), text, options);
    watcher.#watch();
    return watcher;
  }

  /** The config in force: the newest one that validated. */
  get config(): Config {
    return this.#config;
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  #watch(): void {
    const name = path.basename(this.file);
    this.#watcher = watch(path.dirname(this.file), (_event, changed) => {
      // Some platforms do not say which file changed; then any change in the directory is worth a look. A
      // Kubernetes ConfigMap volume updates by swapping its `..data` symlink: the file itself never changes.
      if (changed !== null && changed !== name && changed !== KUBERNETES_DATA_LINK) return;
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        this.#reloading = this.#reloading.then(() => this.#reload());
      }, this.#options.debounceMs ?? 200);
    });
    this.#watcher.on('error', (error) => {
      this.emit('invalid', new ConfigError(this.file, [problem(`cannot be watched (${error.message})`)]));
    });
  }

  async #reload(): Promise<void> {
    let text: string;
    try {
      text = await readText(this.file);
    } catch (error) {
      // Between an editor's delete and its rename the file is briefly absent; the rename fires again.
      if (error instanceof ConfigError) this.emit('invalid', error);
      return;
    }
    if (text === this.#text || !this.#watcher) return;
    this.#text = text;
    try {
      this.#config = parseConfig(text, this.file, this.#options.source);
    } catch (error) {
      // Anything else is a bug, but it must not end the process (nothing awaits this): report it instead.
      this.emit(
        'invalid',
        error instanceof ConfigError
          ? error
          : new ConfigError(this.file, [
              problem(
                `could not be loaded (${(error as Error).message}): the last good config stays in force; this is a bug in mcpwatch, please report it`,
              ),
            ]),
      );
      return;
    }
    this.emit('reload', this.#config);
  }
}

/** The symlink a Kubernetes ConfigMap or Secret volume repoints at a new directory on each update. */
const KUBERNETES_DATA_LINK = '..data';

function problem(message: string) {
  return { line: 1, column: 1, path: '', message };
}
