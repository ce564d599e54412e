// The network-statistics panel's entry points.
export { StatsPanel } from './StatsPanel';
export { PixelMapView } from './PixelMapView';
