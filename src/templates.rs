//! Handlebars templates from `templates/`, strict mode, reloaded from disk in development.

use handlebars::{DirectorySourceOptions, Handlebars};
use std::path::Path;

pub struct Templates {
    hb: Handlebars<'static>,
}

impl Templates {
    pub fn load(dir: &Path, dev_mode: bool) -> Result<Templates, String> {
        let mut hb = Handlebars::new();
        // Strict: a misspelt variable is an error, not an empty string on a page.
        hb.set_strict_mode(true);
        hb.set_dev_mode(dev_mode);
        hb.register_templates_directory(dir, DirectorySourceOptions::default())
            .map_err(|e| format!("cannot load templates from {}: {e}", dir.display()))?;
        if hb.get_template("layout").is_none() {
            return Err(format!(
                "no templates found in {} (run from the project directory or set PLUMBLINE_TEMPLATES)",
                dir.display()
            ));
        }
        hb.register_helper("eq", Box::new(eq_helper));
        hb.register_helper("field_error", Box::new(field_error));
        hb.register_helper("asset", Box::new(asset_helper));
        Ok(Templates { hb })
    }

    pub fn render(&self, name: &str, data: &serde_json::Value) -> Result<String, handlebars::RenderError> {
        self.hb.render(name, data)
    }

    /// Renders without the deep copy `render` makes of its data (pages with
    /// hundreds of rows spend more on that copy than on the HTML).
    pub fn render_owned(&self, name: &str, data: serde_json::Value) -> Result<String, handlebars::RenderError> {
        self.hb.render_with_context(name, &handlebars::Context::from(data))
    }
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
