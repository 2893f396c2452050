//! The public side of the spots: the home page and `/spots/{slug}` rendered
//! from the database, and the JSON API mobile apps use. No token needed;
//! hidden spots are nowhere to be seen.

use crate::common;

use app::{
    domain::{SpotSlug, UserId},
    spots::{PAGE_SIZE, SpotDraft, SpotInput},
};
use common::{TestServer, answer};
use reqwest::StatusCode;
use serde_json::Value;

const SEEDED: [&str; 6] = [
    "kirkjufell",
    "horseshoe-bend",
    "fushimi-inari-taisha",
    "moraine-lake",
    "trolltunga",
    "chefchaouen-medina",
];

async fn get_json(server: &TestServer, path: &str) -> (StatusCode, Value) {
    answer(server.get(path, None).await).await
}

async fn page_html(server: &TestServer, path: &str) -> (StatusCode, String) {
    let response = server.get(path, None).await;
    (response.status(), response.text().await.unwrap())
}

fn slugs(list: &Value) -> Vec<String> {
    list["spots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|spot| spot["slug"].as_str().unwrap().to_owned())
        .collect()
}

/// Adds `count` spots `extra-0`… one second apart (the last is the newest).
async fn add_spots(server: &TestServer, count: usize, hidden: bool) {
    for n in 0..count {
        let input = SpotInput {
            name: format!("Extra {n}"),
            place: "Somewhere".into(),
            hidden,
            ..SpotInput::default()
        };
        let slug =
            SpotSlug::parse(&format!("{}-{n}", if hidden { "hidden" } else { "extra" })).unwrap();
        let draft = SpotDraft::parse(&input).unwrap();
        let now = 1_900_000_000 + n as i64;
        server
            .state
            .spots
            .create(&slug, &draft, UserId::new(122).unwrap(), now)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_started_spots_come_from_the_database_newest_first() {
    let server = TestServer::start().await;
    let (status, list) = get_json(&server, "/api/spots").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(slugs(&list), SEEDED);
    assert_eq!(
        (
            list["page"].as_u64(),
            list["pages"].as_u64(),
            list["total"].as_u64()
        ),
        (Some(1), Some(1), Some(6))
    );
    let kirkjufell = &list["spots"][0];
    assert_eq!(kirkjufell["name"], "Kirkjufell");
    assert_eq!(kirkjufell["place"], "Snæfellsnes, Iceland");
    assert_eq!(kirkjufell["photo"], Value::Null);
    assert_eq!(kirkjufell["added_by"], Value::Null);
}

#[tokio::test]
async fn the_list_is_paged_past_24_and_says_how_many_pages_there_are() {
    let server = TestServer::start().await;
    add_spots(&server, 30, false).await;
    let (_, first) = get_json(&server, "/api/spots?page=1").await;
    let (_, second) = get_json(&server, "/api/spots?page=2").await;
    assert_eq!(slugs(&first).len(), PAGE_SIZE as usize);
    assert_eq!(slugs(&first)[0], "extra-29", "newest first");
    assert_eq!(slugs(&second).len(), 36 - PAGE_SIZE as usize);
    assert_eq!(slugs(&second).last().unwrap(), "chefchaouen-medina");
    assert_eq!(first["pages"], 2);
    assert_eq!(first["total"], 36);
    let (status, past_the_end) = get_json(&server, "/api/spots?page=3").await;
    assert_eq!(status, StatusCode::OK);
    assert!(slugs(&past_the_end).is_empty());
    assert_eq!(past_the_end["page"], 3);

    // The home page shows the same pages, with links between them.
    let (_, html) = page_html(&server, "/?page=2").await;
    assert!(html.contains("Page 2 of 2"), "{html}");
    assert!(html.contains(r#"href="/?page=1""#));
    assert!(html.contains("Chefchaouen Medina"));
    assert!(!html.contains("Extra 29"));
}

#[tokio::test]
async fn a_page_that_is_not_a_whole_number_from_one_is_a_clear_400() {
    let server = TestServer::start().await;
    for bad in ["0", "-1", "two", "1.5", "100001", "%FF"] {
        let (status, body) = get_json(&server, &format!("/api/spots?page={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["error"], "bad_request");
        assert!(
            body["message"].as_str().unwrap().contains("whole number"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn hidden_spots_are_not_listed_nor_shown_to_the_public() {
    let server = TestServer::start().await;
    add_spots(&server, 2, true).await;
    let (_, list) = get_json(&server, "/api/spots").await;
    assert_eq!(slugs(&list), SEEDED);
    assert_eq!(list["total"], 6);
    let (status, body) = get_json(&server, "/api/spots/hidden-0").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, html) = page_html(&server, "/spots/hidden-0").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains("Extra 0"));
}

#[tokio::test]
async fn one_spot_as_json_and_an_unknown_slug_is_404() {
    let server = TestServer::start().await;
    let (status, spot) = get_json(&server, "/api/spots/moraine-lake").await;
    assert_eq!(status, StatusCode::OK, "{spot}");
    assert_eq!(spot["name"], "Moraine Lake");
    assert_eq!(spot["latitude"], 51.3217);
    for unknown in ["nowhere", "Not-A-Slug", "..%2F..%2Fetc"] {
        let (status, body) = get_json(&server, &format!("/api/spots/{unknown}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}: {body}");
        assert_eq!(body["error"], "no_such_spot");
        assert_eq!(body["message"], "There is no photo spot with that name.");
    }
}

#[tokio::test]
async fn each_spot_has_its_own_page_with_its_title_and_description() {
    let server = TestServer::start().await;
    let (status, html) = page_html(&server, "/spots/kirkjufell").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<title>Kirkjufell · Photo Spots</title>"),
        "{html}"
    );
    assert!(
        html.contains(r#"<meta name="description" content="Kirkjufell, Snæfellsnes, Iceland. Best light: Midnight sun in June; aurora from September.""#),
        "{html}"
    );
    assert!(html.contains("Kirkjufellsfoss"));

    let (status, html) = page_html(&server, "/spots/atlantis").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Spot not found"), "{html}");
}

#[tokio::test]
async fn the_home_page_lists_the_spots_from_the_database() {
    let server = TestServer::start().await;
    add_spots(&server, 1, false).await;
    let (status, html) = page_html(&server, "/").await;
    assert_eq!(status, StatusCode::OK);
    let newest = html.find("Extra 0").expect("the added spot is listed");
    let oldest = html.find("Chefchaouen Medina").unwrap();
    assert!(newest < oldest, "newest first");
    assert!(html.contains(r#"href="/spots/kirkjufell""#));
    assert!(!html.contains("Page 1 of"), "one page needs no pager");
}
