// The "Model" and "Compare with" selects over the topology store's models, shared by the wiring and
// statistics panels (the statistics panel's SET-vs-static comparison needs no detour through Wiring).
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { TopologyStore } from '../../state/topology';
import { SelectField } from './SelectField';

export function ModelPickers({ store }: { store: TopologyStore }) {
  const s = useStore(store, useShallow((st) => ({
    modelOrder: st.modelOrder,
    labels: st.modelOrder.map((id) => st.models[id]?.label ?? id).join('\u0000'),
    selectedModel: st.selectedModel,
    compareModel: st.compareModel,
  })));
  const actions = store.getState();
  const labels = s.labels.split('\u0000');
  const labelOf = (id: string) => labels[s.modelOrder.indexOf(id)] ?? id;
  if (s.modelOrder.length === 0) return null;
  return (
    <>
      <SelectField label="Model" value={s.selectedModel ?? ''} onChange={(v) => actions.selectModel(v)}>
        {s.modelOrder.map((id) => <option key={id} value={id}>{labelOf(id)}</option>)}
      </SelectField>
      {s.modelOrder.length > 1 && (
        <SelectField label="Compare with" value={s.compareModel ?? ''} onChange={(v) => actions.selectCompare(v === '' ? null : v)}>
          <option value="">nothing</option>
          {s.modelOrder.filter((id) => id !== s.selectedModel).map((id) => <option key={id} value={id}>{labelOf(id)}</option>)}
        </SelectField>
      )}
    </>
  );
}
