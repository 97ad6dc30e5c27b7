import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../api/client.ts';

const loaded = new Map<() => Promise<unknown>, ComponentType<never>>();

/** Renders the component `load` resolves to (fetched once, then kept), with a line while it loads. */
export function LazyPage<P extends object>({
  load,
  props,
}: {
  load: () => Promise<ComponentType<P>>;
  props: P;
}) {
  const [Component, setComponent] = useState<ComponentType<P> | undefined>(
    () => loaded.get(load) as ComponentType<P> | undefined,
  );
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (loaded.has(load)) {
      setComponent(() => loaded.get(load) as ComponentType<P>);
      return;
    }
    let live = true;
    setComponent(undefined);
    load().then(
      (component) => {
        loaded.set(load, component as ComponentType<never>);
        if (live) setComponent(() => component);
      },
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [load]);
  if (error) return <p class="error-box">The page could not be loaded: {error}</p>;
  if (!Component) return <p class="muted page">Loading…</p>;
  return <Component {...props} />;
}
