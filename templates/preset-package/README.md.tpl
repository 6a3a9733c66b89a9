# <%= packageName %>

A [generator-pydocker](https://www.npmjs.com/package/generator-pydocker) preset: every new service made with it
starts with the same choices, registry, labels, variables and files.

## Use

```sh
npm install -D <%= packageName %>
pydocker new my-service --preset <%= name %>     # or: yo pydocker my-service --preset <%= name %>
```

The preset's name and version are stored in the project's `.yo-rc.json`; `pydocker add` and re-runs keep
applying it and warn when the installed version differs.

## What goes where

- `pydocker-preset.yaml`: `defaults` (answers people may change), `locked` (answers they may not), `values`
  (organisation, registry, baseImage, maintainers, labels, env, requirements). Its schema is
  `schema/pydocker-preset.schema.json` in generator-pydocker.
- `templates/`: a file at the path of a built-in template (e.g. `project/github/workflows/ci.yml.ejs`)
  replaces it; any other file (like `CODEOWNERS.ejs`) is added to every project. `.ejs` files are rendered
  with the generator's template context plus `preset` (`preset.name`, `preset.version`, `preset.values`).

## Publish

1. `pydocker preset check .` — validates the file against the schema and renders a whole project with it.
2. Bump `version` in both `package.json` and `pydocker-preset.yaml`.
3. `npm publish` (or your private registry); teams install it as a dev dependency.
