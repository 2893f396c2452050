//! A software WebAuthn authenticator for the integration tests: real P-256
//! keys (ring), real CBOR (ciborium), the bytes a browser would hand the
//! server (`PublicKeyCredential.toJSON()`), so the server's WebAuthn
//! library checks real signatures. It can also misbehave on purpose: skip
//! user verification, or report a signature counter that went backwards.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ciborium::Value as Cbor;
use ring::{
    rand::SystemRandom,
    signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair},
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const UP: u8 = 0x01;
const UV: u8 = 0x04;
const BE: u8 = 0x08;
const BS: u8 = 0x10;
const AT: u8 = 0x40;

/// One passkey held by the authenticator.
pub struct SoftPasskey {
    pub id: Vec<u8>,
    key: EcdsaKeyPair,
    /// The WebAuthn user handle the site gave at registration.
    pub user_handle: Vec<u8>,
    /// The signature counter it reports next (0: it keeps none, as synced
    /// passkeys do).
    pub counter: u32,
    /// Backed up to other devices by its provider.
    pub synced: bool,
    /// Whether it verifies the user (PIN, biometric) when asked.
    pub verifies_user: bool,
    origin: String,
}

impl SoftPasskey {
    /// A new passkey for the site at `origin` (its host is the rp id).
    pub fn new(origin: &str, synced: bool) -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        let mut id = vec![0u8; 16];
        ring::rand::SecureRandom::fill(&rng, &mut id).unwrap();
        Self {
            id,
            key,
            user_handle: Vec::new(),
            counter: if synced { 0 } else { 1 },
            synced,
            verifies_user: true,
            origin: origin.to_owned(),
        }
    }

    pub fn id_b64(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.id)
    }

    /// The answer to `navigator.credentials.create` with `options` (the
    /// `options` member of the server's ceremony).
    pub fn register(&mut self, options: &Value) -> Value {
        let public_key = &options["publicKey"];
        self.user_handle = decode(&public_key["user"]["id"]);
        let client_data = self.client_data("webauthn.create", public_key);
        let mut auth_data = self.auth_data(public_key["rp"]["id"].as_str().unwrap(), AT);
        auth_data.extend_from_slice(&[0u8; 16]); // AAGUID: none
        auth_data.extend_from_slice(&(self.id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&self.id);
        auth_data.extend_from_slice(&self.cose_key());
        let attestation = cbor(&Cbor::Map(vec![
            (Cbor::Text("fmt".into()), Cbor::Text("none".into())),
            (Cbor::Text("attStmt".into()), Cbor::Map(vec![])),
            (Cbor::Text("authData".into()), Cbor::Bytes(auth_data)),
        ]));
        json!({
            "id": self.id_b64(),
            "rawId": self.id_b64(),
            "type": "public-key",
            "response": {
                "clientDataJSON": URL_SAFE_NO_PAD.encode(&client_data),
                "attestationObject": URL_SAFE_NO_PAD.encode(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        })
    }

    /// The answer to `navigator.credentials.get` with `options`.
    pub fn sign_in(&mut self, options: &Value) -> Value {
        let public_key = &options["publicKey"];
        let rp_id = public_key["rpId"].as_str().unwrap();
        // Counted before signing, as authenticators do.
        if self.counter > 0 {
            self.counter += 1;
        }
        let client_data = self.client_data("webauthn.get", public_key);
        let auth_data = self.auth_data(rp_id, 0);
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&Sha256::digest(&client_data));
        let signature = self.key.sign(&SystemRandom::new(), &signed).unwrap();
        json!({
            "id": self.id_b64(),
            "rawId": self.id_b64(),
            "type": "public-key",
            "response": {
                "clientDataJSON": URL_SAFE_NO_PAD.encode(&client_data),
                "authenticatorData": URL_SAFE_NO_PAD.encode(&auth_data),
                "signature": URL_SAFE_NO_PAD.encode(signature.as_ref()),
                "userHandle": URL_SAFE_NO_PAD.encode(&self.user_handle),
            },
            "clientExtensionResults": {},
        })
    }

    fn client_data(&self, kind: &str, public_key: &Value) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "type": kind,
            "challenge": public_key["challenge"],
            "origin": self.origin,
            "crossOrigin": false,
        }))
        .unwrap()
    }

    fn auth_data(&self, rp_id: &str, extra_flags: u8) -> Vec<u8> {
        let mut flags = UP | extra_flags;
        if self.verifies_user {
            flags |= UV;
        }
        if self.synced {
            flags |= BE | BS;
        }
        let mut data = Sha256::digest(rp_id.as_bytes()).to_vec();
        data.push(flags);
        data.extend_from_slice(&self.counter.to_be_bytes());
        data
    }

    /// The public key as COSE: EC2, ES256, P-256, x and y.
    fn cose_key(&self) -> Vec<u8> {
        let point = self.key.public_key().as_ref(); // 0x04 | x | y
        let int = |n: i64| Cbor::Integer(n.into());
        cbor(&Cbor::Map(vec![
            (int(1), int(2)),
            (int(3), int(-7)),
            (int(-1), int(1)),
            (int(-2), Cbor::Bytes(point[1..33].to_vec())),
            (int(-3), Cbor::Bytes(point[33..65].to_vec())),
        ]))
    }
}

fn decode(value: &Value) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(value.as_str().unwrap().trim_end_matches('='))
        .unwrap()
}

fn cbor(value: &Cbor) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).unwrap();
    bytes
}
