use crate::{
    client::admin,
    domain::SpotSlug,
    spots::{Spot, SpotDraft, SpotInput, coordinate_text},
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

/// The largest photo the server takes, checked here first to save the upload.
const MAX_PHOTO_BYTES: f64 = 10.0 * 1024.0 * 1024.0;

/// The text fields of the form.
#[derive(Clone, Copy)]
struct Fields {
    slug: RwSignal<String>,
    name: RwSignal<String>,
    place: RwSignal<String>,
    latitude: RwSignal<String>,
    longitude: RwSignal<String>,
    best_light: RwSignal<String>,
    note: RwSignal<String>,
    hidden: RwSignal<bool>,
}

impl Fields {
    fn new() -> Self {
        let text = || RwSignal::new(String::new());
        Self {
            slug: text(),
            name: text(),
            place: text(),
            latitude: text(),
            longitude: text(),
            best_light: text(),
            note: text(),
            hidden: RwSignal::new(false),
        }
    }

    fn fill(&self, spot: Option<&Spot>) {
        let number = |n: Option<f64>| n.map(coordinate_text).unwrap_or_default();
        self.slug
            .set(spot.map(|s| s.slug.to_string()).unwrap_or_default());
        self.name
            .set(spot.map(|s| s.name.clone()).unwrap_or_default());
        self.place
            .set(spot.map(|s| s.place.clone()).unwrap_or_default());
        self.latitude.set(number(spot.and_then(|s| s.latitude)));
        self.longitude.set(number(spot.and_then(|s| s.longitude)));
        self.best_light
            .set(spot.map(|s| s.best_light.clone()).unwrap_or_default());
        self.note
            .set(spot.map(|s| s.note.clone()).unwrap_or_default());
        self.hidden.set(spot.is_some_and(|s| s.hidden));
    }

    /// The request body, checked with the same rules the server applies.
    fn input(&self, adding: bool) -> Result<SpotInput, String> {
        let slug = if adding {
            Some(SpotSlug::parse(self.slug.get_untracked().trim()).map_err(|e| e.to_string())?)
        } else {
            None
        };
        let input = SpotInput {
            slug,
            name: self.name.get_untracked(),
            place: self.place.get_untracked(),
            latitude: coordinate("Latitude", &self.latitude.get_untracked())?,
            longitude: coordinate("Longitude", &self.longitude.get_untracked())?,
            best_light: self.best_light.get_untracked(),
            note: self.note.get_untracked(),
            hidden: self.hidden.get_untracked(),
        };
        SpotDraft::parse(&input).map_err(|e| e.to_string())?;
        Ok(input)
    }
}

fn coordinate(field: &str, raw: &str) -> Result<Option<f64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    // serde_json's number parser is in the bundle already; `str::parse`
    // would add core's float tables (about 20 KB) to every page.
    serde_json::from_str::<f64>(raw)
        .map(Some)
        .map_err(|_| format!("{field} must be a number, e.g. 64.94."))
}

/// A slug from a name while adding: `Moraine Lake` → `moraine-lake`.
fn slug_from(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-')
        .chars()
        .take(SpotSlug::MAX_CHARS)
        .collect()
}

/// Add a spot, or edit the one in `editing`; a photo chosen is uploaded
/// once the spot is saved.
#[component]
pub fn SpotForm(
    editing: RwSignal<Option<Spot>>,
    notice: RwSignal<Option<String>>,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let fields = Fields::new();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let photo = NodeRef::<leptos::html::Input>::new();
    let adding = move || editing.with(Option::is_none);
    Effect::new(move |_| editing.with(|spot| fields.fill(spot.as_ref())));
    // While adding, the slug follows the name until it is typed in.
    let slug_typed = RwSignal::new(false);
    Effect::new(move |_| {
        let name = fields.name.get();
        if !slug_typed.get_untracked() && editing.with_untracked(Option::is_none) {
            fields.slug.set(slug_from(&name));
        }
    });

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let input = match fields.input(adding()) {
            Ok(input) => input,
            Err(message) => return error.set(Some(message)),
        };
        let file = chosen_file(photo);
        if file
            .as_ref()
            .is_some_and(|file| file.size() > MAX_PHOTO_BYTES)
        {
            return error.set(Some("Photos can be at most 10 MB.".into()));
        }
        error.set(None);
        busy.set(true);
        let editing_slug = editing.with_untracked(|s| s.as_ref().map(|s| s.slug.to_string()));
        spawn_local(async move {
            let result = match admin::save(editing_slug, input).await {
                Ok(spot) => match file {
                    Some(file) => upload(spot.slug.to_string(), file).await,
                    None => Ok(spot),
                },
                Err(error) => Err(error),
            };
            busy.set(false);
            match result {
                Ok(spot) => {
                    notice.set(Some(format!("Saved {}.", spot.name)));
                    clear_file(photo);
                    slug_typed.set(false);
                    editing.set(None);
                    fields.fill(None);
                    on_saved();
                }
                Err(problem) => error.set(Some(problem.to_string())),
            }
        });
    };

    view! {
        <form class="card spot-form" on:submit=submit data-testid="spot-form">
            <h2>{move || editing.with(|s| match s {
                Some(spot) => format!("Edit {}", spot.name),
                None => "Add a spot".to_owned(),
            })}</h2>
            <label>"Name"<input bind:value=fields.name required maxlength=SpotDraft::NAME_MAX /></label>
            <label>
                "Slug: the spot's address, which never changes"
                <input
                    bind:value=fields.slug
                    on:input=move |_| slug_typed.set(true)
                    disabled=move || !adding()
                    pattern="[a-z0-9-]+"
                    maxlength=SpotSlug::MAX_CHARS
                />
            </label>
            <label>"Place"<input bind:value=fields.place required maxlength=SpotDraft::PLACE_MAX /></label>
            <div class="pair">
                <label>"Latitude"<input bind:value=fields.latitude inputmode="decimal" /></label>
                <label>"Longitude"<input bind:value=fields.longitude inputmode="decimal" /></label>
            </div>
            <label>"Best light"<input bind:value=fields.best_light maxlength=SpotDraft::BEST_LIGHT_MAX /></label>
            <label>"Note"<textarea bind:value=fields.note rows="3" maxlength=SpotDraft::NOTE_MAX></textarea></label>
            <label>
                "Photo: JPEG, PNG or WebP, up to 10 MB"
                <input type="file" accept="image/jpeg,image/png,image/webp" node_ref=photo />
            </label>
            <label class="check"><input type="checkbox" bind:checked=fields.hidden />" Hidden: only admins see it"</label>
            {move || error.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
            <button type="submit" disabled=busy>
                {move || match (busy.get(), adding()) {
                    (true, _) => "Saving…",
                    (false, true) => "Add the spot",
                    (false, false) => "Save changes",
                }}
            </button>
            <Show when=move || !adding()>
                <button type="button" class="link-button" on:click=move |_| editing.set(None)>"Cancel"</button>
            </Show>
        </form>
    }
}

#[cfg(feature = "hydrate")]
type File = web_sys::File;
/// On the server there are no files to choose.
#[cfg(not(feature = "hydrate"))]
struct File;
#[cfg(not(feature = "hydrate"))]
impl File {
    fn size(&self) -> f64 {
        0.0
    }
}

fn chosen_file(input: NodeRef<leptos::html::Input>) -> Option<File> {
    #[cfg(feature = "hydrate")]
    return input.get()?.files()?.get(0);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = input;
        None
    }
}

fn clear_file(input: NodeRef<leptos::html::Input>) {
    #[cfg(feature = "hydrate")]
    if let Some(input) = input.get() {
        input.set_value("");
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = input;
}

async fn upload(slug: String, file: File) -> Result<Spot, crate::error::ApiError> {
    #[cfg(feature = "hydrate")]
    return admin::upload_photo(slug, file).await;
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (slug, file);
        Err(crate::error::ApiError::Network)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_numbers_or_nothing() {
        assert_eq!(coordinate("Latitude", " 64.9415 "), Ok(Some(64.9415)));
        assert_eq!(coordinate("Latitude", "-23"), Ok(Some(-23.0)));
        assert_eq!(coordinate("Latitude", ""), Ok(None));
        for bad in ["north", "1,5", "NaN", "1e999x"] {
            assert_eq!(
                coordinate("Latitude", bad),
                Err("Latitude must be a number, e.g. 64.94.".to_owned()),
                "{bad}"
            );
        }
    }

    #[test]
    fn slugs_follow_the_name() {
        assert_eq!(slug_from("Moraine Lake"), "moraine-lake");
        assert_eq!(slug_from("  Lake Bled, Slovenia! "), "lake-bled-slovenia");
        assert_eq!(slug_from("Snæfellsnes"), "sn-fellsnes");
        assert_eq!(slug_from("ÅLESUND Harbour"), "lesund-harbour");
        assert_eq!(slug_from("!!!"), "");
        assert_eq!(slug_from(&"a".repeat(100)).len(), 64);
    }
}
