// Links the zoom of several adjacency views (compare mode): a zoom in one is applied to the others,
// and the toolbar's zoom buttons act on all of them.
import type { ZoomTransform } from 'd3';
import type { AdjacencyChart } from './adjacencyChart';

export interface ZoomLink {
  /** Adds a chart; returns the function that removes it. */
  add(chart: AdjacencyChart): () => void;
  /** Called by a chart when the user zoomed it. */
  zoomed(from: AdjacencyChart, t: ZoomTransform): void;
  zoomBy(factor: number): void;
  reset(): void;
}

export function createZoomLink(): ZoomLink {
  const charts = new Set<AdjacencyChart>();
  let syncing = false;
  return {
    add(chart) {
      charts.add(chart);
      return () => charts.delete(chart);
    },
    zoomed(from, t) {
      // Applying the transform to the others fires their zoom events; do not echo those back.
      if (syncing) return;
      syncing = true;
      try {
        for (const c of charts) if (c !== from) c.setTransform(t);
      } finally {
        syncing = false;
      }
    },
    zoomBy(factor) {
      const first = charts.values().next().value;
      first?.zoomBy(factor);
    },
    reset() {
      for (const c of charts) c.resetZoom();
    },
  };
}
