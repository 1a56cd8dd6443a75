// Browser code in a project typed for Bun: the DOM types come in here.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
