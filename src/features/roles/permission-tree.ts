import { isPermissionKey, type PermissionKey, permissionTree } from '../../domain/permissions.js';

export interface PermissionTreeNode {
  key: string;
  description: string;
  checked: boolean;
  children: { key: string; description: string; checked: boolean }[];
}

/** The fixed catalogue as a tree with a checked flag per node, for one role's stored keys. */
export function permissionTreeFor(granted: ReadonlySet<string>): PermissionTreeNode[] {
  return permissionTree.map((module) => ({
    key: module.key,
    description: module.description,
    checked: granted.has(module.key),
    children: module.actions.map((action) => ({
      key: action.key,
      description: action.description,
      checked: granted.has(action.key),
    })),
  }));
}

const moduleOfAction = new Map<string, PermissionKey>(
  permissionTree.flatMap((module) =>
    module.actions.map((action) => [action.key, module.key] as [string, PermissionKey]),
  ),
);

/**
 * Turns what a client sent (a JSON array, a repeated form field, or comma-separated text) into
 * the set to store. An action brings its module along: tree widgets send only fully checked
 * parents, and an action without its module would grant nothing (see effectivePermissions).
 */
export function normalizePermissionKeys(raw: readonly string[]): { keys: PermissionKey[]; unknown: string[] } {
  const keys = new Set<PermissionKey>();
  const unknown: string[] = [];
  for (const part of raw.flatMap((value) => value.split(','))) {
    const key = part.trim();
    if (key === '') continue;
    if (!isPermissionKey(key)) {
      unknown.push(key);
      continue;
    }
    keys.add(key);
    const module = moduleOfAction.get(key);
    if (module) keys.add(module);
  }
  return { keys: [...keys].sort(), unknown };
}
