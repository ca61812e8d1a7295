import '@xyflow/react/dist/style.css';
import {
  Controls,
  type Edge,
  Handle,
  MarkerType,
  type Node,
  type NodeChange,
  type NodeProps,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from '@xyflow/react';
import { memo, useEffect, useMemo } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { drawnKind, edgeKey, type LineageGraph, type LineageNode } from './graph.ts';
import { layoutGraph } from './layout.ts';

type NodeData = { node: LineageNode; kind: string; kindLabel: string; onPath: boolean; isRoot: boolean };
type FlowNode = Node<NodeData, 'lineage'>;

const LineageNodeView = memo(function LineageNodeView({ data }: NodeProps<FlowNode>) {
  return (
    <div className={`lineage-node kind-${data.kind.toLowerCase()}${data.onPath ? ' on-path' : ''}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="node-kind">{data.kindLabel}</span>
      <span className="node-label">{data.node.label}</span>
      {data.node.more ? (
        <span className="node-more" aria-hidden="true">
          +
        </span>
      ) : null}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const NODE_TYPES = { lineage: LineageNodeView };

interface Props {
  graph: LineageGraph;
  selected: string | undefined;
  path: { nodes: ReadonlySet<string>; edges: ReadonlySet<string> };
  /** A node clicked, or chosen with Enter or Space: select it and expand it. */
  onActivate(id: string): void;
}

function Flow({ graph, selected, path, onActivate }: Props) {
  const { t } = useI18n();
  const flow = useReactFlow();
  const positions = useMemo(() => layoutGraph(graph), [graph]);
  const nodes = useMemo<FlowNode[]>(
    () =>
      graph.nodes.map((node) => {
        const kind = drawnKind(node);
        const kindLabel = t.lineage.kinds[kind] ?? kind;
        return {
          id: node.id,
          type: 'lineage',
          position: positions.get(node.id) ?? { x: 0, y: 0 },
          data: { node, kind, kindLabel, onPath: path.nodes.has(node.id), isRoot: node.id === graph.root },
          selected: node.id === selected,
          ariaLabel: `${kindLabel}: ${node.label}${node.more ? ` (${t.lineage.moreAvailable})` : ''}`,
          draggable: false,
          connectable: false,
          deletable: false,
        };
      }),
    [graph, positions, path, selected, t],
  );
  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((edge) => {
        const onPath = path.edges.has(edgeKey(edge));
        return {
          id: edgeKey(edge),
          source: edge.from,
          target: edge.to,
          label: edge.relation,
          className: onPath ? 'on-path' : undefined,
          markerEnd: { type: MarkerType.ArrowClosed },
          focusable: false,
          deletable: false,
          ariaLabel: `${edge.from} → ${edge.to}: ${edge.relation}`,
        };
      }),
    [graph, path],
  );
  // The view follows the graph as it grows.
  // biome-ignore lint/correctness/useExhaustiveDependencies: fitted again whenever the graph changes
  useEffect(() => {
    const frame = requestAnimationFrame(() => void flow.fitView({ padding: 0.15, duration: 0 }));
    return () => cancelAnimationFrame(frame);
  }, [graph, flow]);

  const onNodesChange = (changes: NodeChange<FlowNode>[]) => {
    for (const change of changes) if (change.type === 'select' && change.selected) onActivate(change.id);
  };
  const ariaLabelConfig = useMemo(
    () => ({
      'node.a11yDescription.default': t.lineage.flow.nodeHelp,
      'node.a11yDescription.keyboardDisabled': t.lineage.flow.nodeHelp,
      'edge.a11yDescription.default': t.lineage.flow.edgeHelp,
      'controls.ariaLabel': t.lineage.flow.controls,
      'controls.zoomIn.ariaLabel': t.lineage.flow.zoomIn,
      'controls.zoomOut.ariaLabel': t.lineage.flow.zoomOut,
      'controls.fitView.ariaLabel': t.lineage.flow.fitView,
    }),
    [t],
  );

  return (
    <ReactFlow<FlowNode>
      nodes={nodes}
      edges={edges}
      nodeTypes={NODE_TYPES}
      onNodesChange={onNodesChange}
      onNodeClick={(_event, node) => onActivate(node.id)}
      nodesDraggable={false}
      nodesConnectable={false}
      nodesFocusable
      edgesFocusable={false}
      deleteKeyCode={null}
      selectionKeyCode={null}
      multiSelectionKeyCode={null}
      minZoom={0.2}
      fitView
      ariaLabelConfig={ariaLabelConfig}
      proOptions={{ hideAttribution: true }}
    >
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}

/** The lineage graph drawn with React Flow, laid out with dagre, the path to the selected node highlighted. */
export function LineageFlow(props: Props) {
  return (
    <ReactFlowProvider>
      <Flow {...props} />
    </ReactFlowProvider>
  );
}
