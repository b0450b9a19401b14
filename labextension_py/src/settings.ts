import { ISettingRegistry } from '@jupyterlab/settingregistry';

/**
 * Read a plugin's settings and follow their changes: `apply` gets the composite
 * values now and after each change. Without a registry (or when loading fails)
 * `apply` gets `{}` once, and callers use their defaults.
 */
export async function watchSettings(
  registry: ISettingRegistry | null,
  pluginId: string,
  apply: (values: Record<string, unknown>) => void
): Promise<void> {
  if (!registry) {
    apply({});
    return;
  }
  let settings: ISettingRegistry.ISettings;
  try {
    settings = await registry.load(pluginId);
  } catch (error) {
    console.warn(`Orpheus: could not load the settings of ${pluginId}`, error);
    apply({});
    return;
  }
  const read = () => apply(settings.composite as Record<string, unknown>);
  settings.changed.connect(read);
  read();
}

/** A number setting, or `fallback` when it is missing or not a finite number. */
export function numberSetting(values: Record<string, unknown>, key: string, fallback: number): number {
  const value = values[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** A boolean setting, or `fallback` when it is missing. */
export function booleanSetting(values: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = values[key];
  return typeof value === 'boolean' ? value : fallback;
}
