//! The admin API for spots. Who may use it is decided on the server, on
//! every call: a valid token (401 otherwise), `"admin": true` in it and the
//! database still calling the user an admin (403 otherwise). Bad input is a
//! clear 4xx and changes nothing.

use crate::common;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use common::{TestServer, answer};
use image::{ImageEncoder, Rgb, RgbImage, codecs::png::PngEncoder};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const BOUNDARY: &str = "photo-spots-test-boundary";

fn new_spot(slug: &str) -> Value {
    json!({"slug": slug, "name": "Lake Bled", "place": "Bled, Slovenia",
           "latitude": 46.3636, "longitude": 14.0938,
           "best_light": "Autumn mornings, when the mist lifts", "note": "Climb Ojstrica."})
}

/// A multipart body with `bytes` in a field named `field`.
fn form(field: &str, file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(
    server: &TestServer,
    slug: &str,
    token: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let mut request = server
        .http
        .put(format!("{}/api/admin/spots/{slug}/photo", server.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    answer(request.send().await.unwrap()).await
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut bytes = Vec::new();
    PngEncoder::new(&mut bytes)
        .write_image(
            image.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    bytes
}

/// John's real token with its payload edited to say he is an admin; the
/// signature is left as it was.
fn forged_admin(token: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["admin"] = json!(true);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

fn photo_files(server: &TestServer) -> Vec<String> {
    match std::fs::read_dir(&*server.state.photos.dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Every admin endpoint, with a body that would be accepted from an admin.
fn endpoints() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (Method::GET, "/api/admin/spots", None),
        (
            Method::POST,
            "/api/admin/spots",
            Some(new_spot("lake-bled")),
        ),
        (
            Method::PUT,
            "/api/admin/spots/kirkjufell",
            Some(json!({"name": "Changed", "place": "Here"})),
        ),
        (Method::DELETE, "/api/admin/spots/kirkjufell", None),
    ]
}

#[tokio::test]
async fn no_token_or_a_bad_one_is_401_and_a_non_admin_is_403_on_every_endpoint() {
    let server = TestServer::start().await;
    let john = server.token_for("john").await;
    let forged = forged_admin(&john);
    for (method, path, body) in endpoints() {
        let (status, answer) = server.call(method.clone(), path, None, body.clone()).await;
        assert_eq!(
            (status, &answer["error"]),
            (StatusCode::UNAUTHORIZED, &json!("missing_token")),
            "{method} {path}"
        );
        let (status, answer) = server
            .call(method.clone(), path, Some("not.a.token"), body.clone())
            .await;
        assert_eq!(
            (status, &answer["error"]),
            (StatusCode::UNAUTHORIZED, &json!("invalid_token")),
            "{method} {path}"
        );
        let (status, answer) = server
            .call(method.clone(), path, Some(&john), body.clone())
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {answer}");
        assert_eq!(answer["error"], "forbidden");
        assert_eq!(answer["message"], "This is for admins only.");
        let (status, answer) = server
            .call(method.clone(), path, Some(&forged), body.clone())
            .await;
        assert_eq!(
            (status, &answer["error"]),
            (StatusCode::UNAUTHORIZED, &json!("invalid_token")),
            "{method} {path}: forged admin claim"
        );
    }
    for token in [None, Some(john.as_str()), Some(forged.as_str())] {
        let (status, _) = upload(
            &server,
            "kirkjufell",
            token,
            form("photo", "a.png", &png(50, 40)),
        )
        .await;
        assert!(
            matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
            "{status}"
        );
    }
    // Nothing changed: the same six spots, Kirkjufell as it was, no photo.
    let (_, list) = server.call(Method::GET, "/api/spots", None, None).await;
    assert_eq!(list["total"], 6);
    let (_, kirkjufell) = server
        .call(Method::GET, "/api/spots/kirkjufell", None, None)
        .await;
    assert_eq!(kirkjufell["name"], "Kirkjufell");
    assert_eq!(kirkjufell["photo"], Value::Null);
    assert!(photo_files(&server).is_empty());
}

#[tokio::test]
async fn ada_adds_edits_hides_and_deletes_a_spot() {
    let server = TestServer::start().await;
    let ada = server.token_for("ada").await;
    let (status, spot) = server
        .call(
            Method::POST,
            "/api/admin/spots",
            Some(&ada),
            Some(new_spot("lake-bled")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{spot}");
    assert_eq!(spot["added_by"], "Ada");
    let (_, list) = server.call(Method::GET, "/api/spots", None, None).await;
    assert_eq!(list["spots"][0]["slug"], "lake-bled", "newest first");

    let edit = json!({"name": "Lake Bled", "place": "Bled, Slovenia", "note": "Rent a pletna boat.", "hidden": true});
    let (status, spot) = server
        .call(
            Method::PUT,
            "/api/admin/spots/lake-bled",
            Some(&ada),
            Some(edit),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{spot}");
    assert_eq!(
        (
            spot["hidden"].clone(),
            spot["note"].clone(),
            spot["latitude"].clone()
        ),
        (json!(true), json!("Rent a pletna boat."), Value::Null)
    );
    // Hidden: gone from the public, still there for admins to edit.
    let (status, _) = server
        .call(Method::GET, "/api/spots/lake-bled", None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, all) = server
        .call(Method::GET, "/api/admin/spots", Some(&ada), None)
        .await;
    assert!(
        all["spots"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["slug"] == "lake-bled" && s["hidden"] == true)
    );
    let show = json!({"name": "Lake Bled", "place": "Bled, Slovenia", "hidden": false});
    let (status, _) = server
        .call(
            Method::PUT,
            "/api/admin/spots/lake-bled",
            Some(&ada),
            Some(show),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server
        .call(Method::GET, "/api/spots/lake-bled", None, None)
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, _) = server
        .call(
            Method::DELETE,
            "/api/admin/spots/lake-bled",
            Some(&ada),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = server
        .call(
            Method::DELETE,
            "/api/admin/spots/lake-bled",
            Some(&ada),
            None,
        )
        .await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::NOT_FOUND, &json!("no_such_spot"))
    );
    let (_, list) = server.call(Method::GET, "/api/spots", None, None).await;
    assert_eq!(list["total"], 6);
}

#[tokio::test]
async fn bad_spots_get_clear_errors_and_change_nothing() {
    let server = TestServer::start().await;
    let ada = server.token_for("ada").await;
    let cases = [
        (
            json!({"name": "No slug", "place": "Nowhere"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "slug",
        ),
        (new_spot("Not A Slug"), StatusCode::BAD_REQUEST, ""),
        (
            json!({"slug": "x", "name": "", "place": "Nowhere"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "name",
        ),
        (
            json!({"slug": "x", "name": "X", "place": "Y", "latitude": 95.0, "longitude": 0.0}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "coordinates",
        ),
        (
            json!({"slug": "x", "name": "X", "place": "Y", "best_light": "a\u{0}b"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "best_light",
        ),
        (
            json!({"slug": "x", "name": "X", "place": "Y", "hiden": true}),
            StatusCode::BAD_REQUEST,
            "",
        ),
        (json!(["not", "an", "object"]), StatusCode::BAD_REQUEST, ""),
        (new_spot("kirkjufell"), StatusCode::CONFLICT, ""),
    ];
    for (body, expected, field) in cases {
        let (status, answer) = server
            .call(
                Method::POST,
                "/api/admin/spots",
                Some(&ada),
                Some(body.clone()),
            )
            .await;
        assert_eq!(status, expected, "{body}: {answer}");
        assert!(
            answer["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{answer}"
        );
        if !field.is_empty() {
            assert_eq!(answer["field"], field, "{answer}");
        }
    }
    let rename = json!({"slug": "elsewhere", "name": "Kirkjufell", "place": "Iceland"});
    let (status, answer) = server
        .call(
            Method::PUT,
            "/api/admin/spots/kirkjufell",
            Some(&ada),
            Some(rename),
        )
        .await;
    assert_eq!(
        (status, &answer["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("slug"))
    );
    let (status, _) = server
        .call(
            Method::PUT,
            "/api/admin/spots/atlantis",
            Some(&ada),
            Some(json!({"name": "A", "place": "B"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, list) = server.call(Method::GET, "/api/spots", None, None).await;
    assert_eq!(list["total"], 6);
    let (_, kirkjufell) = server
        .call(Method::GET, "/api/spots/kirkjufell", None, None)
        .await;
    assert_eq!(kirkjufell["place"], "Snæfellsnes, Iceland");
}

#[tokio::test]
async fn an_admin_whose_rights_were_taken_is_refused() {
    let server = TestServer::start().await;
    let ada = server.token_for("ada").await;
    // Taken in the database by hand, without touching her token version:
    // the token still verifies and still says admin, the database decides.
    let sql = "UPDATE users SET is_admin = false WHERE username = 'ada'";
    server.execute(sql).await;
    let (status, answer) = server
        .call(Method::GET, "/api/admin/spots", Some(&ada), None)
        .await;
    assert_eq!(
        (status, &answer["error"]),
        (StatusCode::FORBIDDEN, &json!("forbidden"))
    );

    // `server users revoke-admin` also ends her tokens.
    let username = app::domain::Username::parse("ada").unwrap();
    server.state.users.set_admin(&username, true).await.unwrap();
    let ada = server.token_for("ada").await;
    server
        .state
        .users
        .set_admin(&username, false)
        .await
        .unwrap();
    let (status, _) = server
        .call(Method::GET, "/api/admin/spots", Some(&ada), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_uploaded_photo_is_resized_served_for_a_year_and_shown_on_the_pages() {
    let server = TestServer::start().await;
    let ada = server.token_for("ada").await;
    let (status, spot) = upload(
        &server,
        "kirkjufell",
        Some(&ada),
        form("photo", "kirkjufell.png", &png(2000, 1000)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{spot}");
    let photo = &spot["photo"];
    assert_eq!(
        (
            photo["large"]["width"].clone(),
            photo["large"]["height"].clone()
        ),
        (json!(1600), json!(800))
    );
    assert_eq!(
        (
            photo["small"]["width"].clone(),
            photo["small"]["height"].clone()
        ),
        (json!(400), json!(200))
    );

    let large = photo["large"]["url"].as_str().unwrap();
    let small = photo["small"]["url"].as_str().unwrap();
    let response = server.get(large, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let bytes = response.bytes().await.unwrap();
    let image = image::load_from_memory(&bytes).unwrap();
    assert_eq!((image.width(), image.height()), (1600, 800));
    let missing = server
        .get("/photos/0123456789abcdef0123456789abcdef-400.jpg", None)
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        missing
            .headers()
            .get("cache-control")
            .is_none_or(|v| !v.to_str().unwrap().contains("immutable"))
    );

    let home = server.get("/", None).await.text().await.unwrap();
    assert!(
        home.contains(&format!(
            r#"src="{small}" width="400" height="200" loading="lazy""#
        )),
        "{home}"
    );
    let page = server
        .get("/spots/kirkjufell", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!(r#"src="{large}" width="1600" height="800""#)),
        "{page}"
    );
}

#[tokio::test]
async fn bad_photos_are_refused_with_a_reason_and_leave_no_files() {
    let server = TestServer::start().await;
    let ada = server.token_for("ada").await;
    let text = b"Dear diary, today I saved this as a .jpg.\n".repeat(10);
    let whole = png(300, 200);
    let mut bomb = png(1, 1);
    bomb[16..24].copy_from_slice(&[0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0]); // 100000 × 100000
    let crc = crc32fast::hash(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    let camera = jpeg(1200, 900);
    let cases: [(Vec<u8>, StatusCode, &str); 6] = [
        (
            form("photo", "notes.jpg", &text),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not a JPEG, PNG or WebP",
        ),
        (
            form("photo", "cut.png", &whole[..whole.len() / 2]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "The photo file is incomplete or damaged",
        ),
        // The first third of a camera's JPEG once came out as a grey-bottomed picture.
        (
            form("photo", "cut.jpg", &camera[..camera.len() / 3]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "The photo file is incomplete or damaged",
        ),
        (
            form("photo", "bomb.png", &bomb),
            StatusCode::UNPROCESSABLE_ENTITY,
            "at most 40 megapixels",
        ),
        (
            form("picture", "a.png", &whole),
            StatusCode::BAD_REQUEST,
            "field named \"photo\"",
        ),
        (
            form("photo", "huge.png", &vec![0u8; 10 * 1024 * 1024 + 1]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "at most 10 MB",
        ),
    ];
    for (body, expected, reason) in cases {
        let (status, answer) = upload(&server, "kirkjufell", Some(&ada), body).await;
        assert_eq!(status, expected, "{answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(reason),
            "{answer}"
        );
    }
    let (status, answer) = upload(
        &server,
        "atlantis",
        Some(&ada),
        form("photo", "a.png", &whole),
    )
    .await;
    assert_eq!(
        (status, &answer["error"]),
        (StatusCode::NOT_FOUND, &json!("no_such_spot"))
    );

    let (_, kirkjufell) = server
        .call(Method::GET, "/api/spots/kirkjufell", None, None)
        .await;
    assert_eq!(kirkjufell["photo"], Value::Null);
    assert!(
        photo_files(&server).is_empty(),
        "{:?}",
        photo_files(&server)
    );
}

/// A width × height JPEG with some detail, as a camera would send.
fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 251) as u8, (y % 241) as u8, ((x * y) % 239) as u8])
    });
    let mut bytes = Vec::new();
    image
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut bytes, 85,
        ))
        .unwrap();
    bytes
}

#[tokio::test]
async fn a_burst_of_uploads_does_not_hold_up_logins() {
    // One photo decoded at a time: three 3-megapixel uploads queue for it.
    let server = TestServer::start_with(&[("PHOTO_WORKERS", "1")]).await;
    let ada = server.token_for("ada").await;
    let body = form("photo", "camera.jpg", &jpeg(2000, 1500));
    let uploads: Vec<_> = (0..3)
        .map(|_| {
            let request = server
                .http
                .put(format!("{}/api/admin/spots/kirkjufell/photo", server.base))
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .bearer_auth(&ada)
                .body(body.clone());
            tokio::spawn(async move { request.send().await.unwrap().status() })
        })
        .collect();
    // Let the uploads arrive and the first start decoding.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let login = server.login("john", "john-password").await;
    assert_eq!(login.status(), StatusCode::OK);
    let still_uploading = uploads
        .iter()
        .filter(|upload| !upload.is_finished())
        .count();
    assert!(
        still_uploading > 0,
        "the login should be answered while uploads are still being processed"
    );
    for upload in uploads {
        assert_eq!(upload.await.unwrap(), StatusCode::OK);
    }
}
