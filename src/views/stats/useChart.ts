// Binds one D3 chart module to the element React rendered for it: create on mount, update(data)
// when the data changes, destroy on unmount. A chart that rejects its data says why on the element.
import { useEffect, useRef } from 'react';

export interface ChartModule<D> {
  update(data: D): void;
  destroy(): void;
}

export function useChart<E extends Element, D>(create: (element: E) => ChartModule<D>, data: D | null) {
  const ref = useRef<E>(null);
  const chartRef = useRef<ChartModule<D> | null>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = create(ref.current);
    chartRef.current = chart;
    return () => {
      chart.destroy();
      chartRef.current = null;
    };
  }, [create]);
  useEffect(() => {
    const element = ref.current;
    if (!data || !chartRef.current || !element) return;
    try {
      chartRef.current.update(data);
      element.removeAttribute('data-error');
    } catch (e) {
      element.setAttribute('data-error', e instanceof Error ? e.message : String(e));
      console.error(e);
    }
  }, [data, create]);
  return ref;
}
