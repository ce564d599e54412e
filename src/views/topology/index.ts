// The topology views' entry points: the wiring panel (adjacency matrices, timeline, counters) and the
// pieces a page may mount on their own.
export { TopologyPanel, layerLabel } from './TopologyPanel';
export { AdjacencyView } from './AdjacencyView';
export { Timeline } from './Timeline';
export { RewireCounters } from './RewireCounters';
