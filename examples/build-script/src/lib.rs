//! A crate that generates its API client at build time: `build.rs` turns `petstore.yaml` into
//! the module [`petstore`] with cirqll-codegen, and the crate builds on it.

/// Client of the Swagger Petstore API, generated from `petstore.yaml` by `build.rs`.
pub mod petstore {
    include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
}

use petstore::models::{NewPet, Pet};
use petstore::{Client, Error};

/// The names of the first `limit` pets, in the order the server lists them.
pub async fn pet_names(client: &Client, limit: i32) -> Result<Vec<String>, Error> {
    let pets = client.pets().list_pets().limit(limit).send().await?;
    Ok(pets.value.into_iter().map(|pet| pet.name).collect())
}

/// Stores a pet called `name` and returns it as the server stored it.
pub async fn adopt(client: &Client, name: &str) -> Result<Pet, Error> {
    let new = NewPet { name: name.to_owned(), tag: None };
    Ok(client.pets().create_pets(&new).send().await?.value)
}
