/** Loss Lens configuration (pyproject.toml / losslens.toml): pure apart from the host's file reads; no vscode. */
export * from './resolve';
