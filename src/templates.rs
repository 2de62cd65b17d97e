//! Handlebars templates, strict mode. The binary carries `templates/` compiled in
//! (see build.rs); `PLUMBLINE_TEMPLATES` reads them from a folder instead, and
//! `PLUMBLINE_DEV=1` reads that folder (default `templates/`) on every render.
//!
//! Pages are written as `{{#> layout}}…{{/layout}}`, but rendered in two steps:
//! the page's own part first, then the layout with that HTML in `__page_body`.
//! Handlebars would otherwise deep-copy the whole page data twice (into the
//! partial block and again into `@partial-block`): on the schedule page at
//! twice the benchmark's size that was about 55 MiB of copies per render.

use handlebars::{Context, Handlebars, RenderError};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const EXTENSION: &str = ".hbs";
const OPEN: &str = "{{#> layout}}";
const CLOSE: &str = "{{/layout}}";
/// The layout with the page's HTML taken from the data instead of a partial block.
const LAYOUT_AROUND: &str = "__layout_around";
const PAGE_BODY: &str = "__page_body";

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

pub struct Templates {
    /// None: the templates compiled into the binary.
    dir: Option<PathBuf>,
    /// In development every render reads the files again.
    dev_mode: bool,
    loaded: Arc<Registry>,
}

struct Registry {
    hb: Handlebars<'static>,
    /// Pages whose source was wrapped in the layout (registered without it).
    in_layout: HashSet<String>,
}

impl Templates {
    pub fn load(dir: Option<&Path>, dev_mode: bool) -> Result<Templates, String> {
        let loaded = Arc::new(Registry::read(dir)?);
        Ok(Templates { dir: dir.map(Path::to_path_buf), dev_mode, loaded })
    }

    fn registry(&self) -> Result<Arc<Registry>, RenderError> {
        match &self.dir {
            Some(dir) if self.dev_mode => Registry::read(Some(dir))
                .map(Arc::new)
                .map_err(|e| RenderError::from(handlebars::RenderErrorReason::Other(e))),
            _ => Ok(self.loaded.clone()),
        }
    }

    pub fn render(&self, name: &str, data: &serde_json::Value) -> Result<String, RenderError> {
        self.render_owned(name, data.clone())
    }

    /// Renders the page `name` with `data` (moved in: pages with hundreds of
    /// rows spend more on copying their data than on the HTML).
    pub fn render_owned(&self, name: &str, data: serde_json::Value) -> Result<String, RenderError> {
        let reg = self.registry()?;
        let mut ctx = Context::from(data);
        let html = reg.hb.render_with_context(name, &ctx)?;
        if !reg.in_layout.contains(name) {
            return Ok(html);
        }
        let Some(fields) = ctx.data_mut().as_object_mut() else {
            return Err(handlebars::RenderErrorReason::Other(format!("{name}: page data must be an object")).into());
        };
        fields.insert(PAGE_BODY.into(), serde_json::Value::String(html));
        reg.hb.render_with_context(LAYOUT_AROUND, &ctx)
    }
}

impl Registry {
    fn read(dir: Option<&Path>) -> Result<Registry, String> {
        let mut hb = Handlebars::new();
        // Strict: a misspelt variable is an error, not an empty string on a page.
        hb.set_strict_mode(true);
        hb.register_helper("eq", Box::new(eq_helper));
        hb.register_helper("field_error", Box::new(field_error));
        hb.register_helper("asset", Box::new(asset_helper));
        let mut in_layout = HashSet::new();
        for (name, source) in sources(dir)? {
            let trimmed = source.trim();
            let source = match trimmed.strip_prefix(OPEN).and_then(|s| s.strip_suffix(CLOSE)) {
                Some(page) => {
                    in_layout.insert(name.clone());
                    page.to_string()
                }
                None => source,
            };
            if name == "layout" {
                let around = source.replace("{{> @partial-block}}", &format!("{{{{{{{PAGE_BODY}}}}}}}"));
                hb.register_template_string(LAYOUT_AROUND, around).map_err(|e| format!("layout: {e}"))?;
            }
            hb.register_template_string(&name, source).map_err(|e| format!("template {name}: {e}"))?;
        }
        if hb.get_template("layout").is_none() {
            return Err("no layout template found (check PLUMBLINE_TEMPLATES)".into());
        }
        Ok(Registry { hb, in_layout })
    }
}

/// Every template as (name, source): from the folder when one is set, else the
/// ones compiled in.
fn sources(dir: Option<&Path>) -> Result<Vec<(String, String)>, String> {
    let Some(dir) = dir else {
        return Ok(embedded::EMBEDDED.iter().map(|(n, s)| (n.to_string(), s.to_string())).collect());
    };
    let mut files = Vec::new();
    template_files(dir, dir, &mut files).map_err(|e| format!("cannot read templates in {}: {e}", dir.display()))?;
    files
        .into_iter()
        .map(|(name, path)| {
            let source = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok((name, source))
        })
        .collect()
}

/// `name.hbs` files under `dir`, named by their path without the extension
/// (`email/decision.txt`), as handlebars' directory loader names them.
fn template_files(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            template_files(root, &path, out)?;
            continue;
        }
        let Ok(relative) = path.strip_prefix(root) else { continue };
        let relative = relative.to_string_lossy().replace('\\', "/");
        if let Some(name) = relative.strip_suffix(EXTENSION).filter(|n| !n.starts_with('.')) {
            out.push((name.to_string(), path.clone()));
        }
    }
    Ok(())
}

handlebars::handlebars_helper!(eq_helper: |a: Json, b: Json| a == b);
// `{{asset "style.css"}}`: the content-hashed URL of an embedded asset.
handlebars::handlebars_helper!(asset_helper: |name: str| crate::routes::assets::url(name));

/// `{{field_error errors "email"}}`: the message for one field, linked to its input
/// by id `<field>-error` (the input sets `aria-describedby`), or nothing.
fn field_error(
    h: &handlebars::Helper,
    _: &Handlebars,
    _: &handlebars::Context,
    _: &mut handlebars::RenderContext,
    out: &mut dyn handlebars::Output,
) -> handlebars::HelperResult {
    let errors = h.param(0).map(|p| p.value().clone()).unwrap_or_default();
    let field = h.param(1).and_then(|p| p.value().as_str()).unwrap_or_default();
    let message = errors.get("by_field").and_then(|m| m.get(field)).and_then(|m| m.as_str());
    if let Some(m) = message {
        out.write(&format!(
            "<p class=\"field-error\" id=\"{}-error\">{}</p>",
            handlebars::html_escape(field),
            handlebars::html_escape(m)
        ))?;
    }
    Ok(())
}
