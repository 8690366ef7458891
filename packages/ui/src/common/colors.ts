const PALETTE = [
  '#4f7cff', '#19a974', '#e8833a', '#a463f2', '#00a3bf', '#d6478b', '#8aa82b', '#c7762c',
  '#5e60ce', '#2a9d8f', '#e76f51', '#6d9dc5', '#b5838d', '#7cb518', '#f4a259', '#3d5a80',
];

/** A stable colour for a service name (same name, same colour on every page). */
export function serviceColor(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return PALETTE[(h >>> 0) % PALETTE.length] as string;
}
