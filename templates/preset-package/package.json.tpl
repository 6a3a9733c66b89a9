{
  "name": "<%= packageName %>",
  "version": "1.0.0",
  "description": "pydocker team preset: shared defaults, locked choices and templates for new services",
  "keywords": ["pydocker-preset"],
  "files": ["pydocker-preset.yaml", "templates", "README.md"],
  "license": "UNLICENSED"
}
