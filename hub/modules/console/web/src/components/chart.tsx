import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/**
 * A chart with its text alternative: the drawing is an image named by `summary` (its data, in
 * words), and the table that follows it holds the same figures for keyboards and screen readers.
 */
export function ChartFigure({
  id,
  title,
  summary,
  children,
}: {
  id: string;
  title: string;
  summary: string;
  children: ReactNode;
}) {
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      <div className="chart-area" role="img" aria-label={summary}>
        {children}
      </div>
    </figure>
  );
}

export interface Comparison {
  /** What the bar is of (shown on the axis). */
  name: string;
  /** The key of the item a click on its bar opens. */
  code?: string;
  value: number;
  reference: number;
}

/**
 * Bars of a value beside its reference (points earned and most points; a rate and its target), by
 * item; a click on a value's bar opens the item (the table beside it does the same by keyboard).
 */
export function ComparisonChart({
  data,
  valueName,
  referenceName,
  unit,
  domain,
  onOpen,
}: {
  data: readonly Comparison[];
  valueName: string;
  referenceName: string;
  unit?: string;
  domain?: [number, number];
  onOpen?: (code: string) => void;
}) {
  const rows = data.map((item) => ({
    name: item.name,
    code: item.code,
    [valueName]: item.value,
    [referenceName]: item.reference,
  }));
  return (
    <ResponsiveContainer width="100%" height={320}>
      <BarChart data={rows} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 48, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="name" interval={0} angle={-12} textAnchor="end" height={72} />
        <YAxis unit={unit} domain={domain} />
        <Tooltip />
        <Legend verticalAlign="top" />
        <Bar
          dataKey={valueName}
          fill="#0b4f8a"
          cursor={onOpen ? 'pointer' : undefined}
          onClick={(entry: { payload?: { code?: string } }) => {
            const code = entry.payload?.code;
            if (code && onOpen) onOpen(code);
          }}
        />
        <Bar dataKey={referenceName} fill="#b8c7d9" />
      </BarChart>
    </ResponsiveContainer>
  );
}
