/// Unix seconds as a date and time a person reads (in their time zone).
pub fn local_time(seconds: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0));
        String::from(date.to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        seconds.to_string()
    }
}
