//! Registrations and sign-ins in progress: each taken once, only before it
//! expires, and only for what (and whom) it was started for.

use crate::test_databases::on_both_databases;
use identity::users::UserStore;
use passkeys::{Ceremonies, Purpose};
use photo_spots_core::domain::{User, UserId, UserName, Username};

const NOW: i64 = 1_800_000_000;

async fn user(users: &UserStore, name: &str) -> UserId {
    let user: User = users
        .create_user(
            &Username::parse(name).unwrap(),
            &UserName::parse(name).unwrap(),
            "hash",
        )
        .await
        .unwrap()
        .unwrap();
    user.id
}

on_both_databases! {
    a_ceremony_is_taken_once_and_only_before_it_expires,
    a_registration_is_only_for_the_user_who_started_it,
    a_sign_in_ceremony_is_not_a_registration,
}

async fn a_ceremony_is_taken_once_and_only_before_it_expires(users: UserStore) {
    let ceremonies = Ceremonies::on(users.pools().clone());
    ceremonies
        .keep("c1", Purpose::SignIn, None, "state-1", (NOW, NOW + 60))
        .await
        .unwrap();
    let take = |at| ceremonies.take("c1", Purpose::SignIn, None, at);
    assert_eq!(take(NOW + 1).await.unwrap().as_deref(), Some("state-1"));
    assert_eq!(take(NOW + 2).await.unwrap(), None, "never twice");

    ceremonies
        .keep("c2", Purpose::SignIn, None, "state-2", (NOW, NOW + 60))
        .await
        .unwrap();
    let late = ceremonies.take("c2", Purpose::SignIn, None, NOW + 60).await;
    assert_eq!(late.unwrap(), None, "not at or after its end");
}

async fn a_registration_is_only_for_the_user_who_started_it(users: UserStore) {
    let ceremonies = Ceremonies::on(users.pools().clone());
    let (ann, bob) = (user(&users, "ann").await, user(&users, "bob").await);
    ceremonies
        .keep("r1", Purpose::Register, Some(ann), "ann's", (NOW, NOW + 60))
        .await
        .unwrap();
    let take = |who| ceremonies.take("r1", Purpose::Register, who, NOW + 1);
    assert_eq!(take(Some(bob)).await.unwrap(), None);
    assert_eq!(take(None).await.unwrap(), None);
    // Bob's attempts took nothing: Ann can still finish.
    assert_eq!(take(Some(ann)).await.unwrap().as_deref(), Some("ann's"));
}

async fn a_sign_in_ceremony_is_not_a_registration(users: UserStore) {
    let ceremonies = Ceremonies::on(users.pools().clone());
    ceremonies
        .keep("s1", Purpose::SignIn, None, "sign-in", (NOW, NOW + 60))
        .await
        .unwrap();
    let taken = ceremonies
        .take("s1", Purpose::Register, None, NOW + 1)
        .await;
    assert_eq!(taken.unwrap(), None);
}
