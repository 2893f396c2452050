-- The photo spots. `slug` is the stable name other services store (the
-- favourites service keeps slugs), so it never changes once a spot exists.
-- Times are seconds since the Unix epoch, written by the app, so both
-- databases hold and sort the same numbers.
CREATE TABLE spots (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    slug         TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    place        TEXT    NOT NULL,
    latitude     REAL   ,
    longitude    REAL   ,
    best_light   TEXT    NOT NULL DEFAULT '',
    note         TEXT    NOT NULL DEFAULT '',
    -- The photo: `photo_key` names its files (a content hash), the sizes are
    -- those of the large and the small copy. All NULL when there is none.
    photo_key    TEXT,
    photo_width  INTEGER,
    photo_height INTEGER,
    thumb_width  INTEGER,
    thumb_height INTEGER,
    -- Hidden spots are left out of every public page and answer.
    hidden       INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    -- NULL for the spots Photo Spots started with.
    added_by     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    added_at     BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    CHECK ((latitude IS NULL) = (longitude IS NULL)),
    CHECK ((photo_key IS NULL) = (photo_width IS NULL))
);
-- The public list: visible spots, newest first.
CREATE INDEX spots_newest ON spots (hidden, added_at DESC, id DESC);

-- The spots Photo Spots started with (until 2026-11 a list in the code).
INSERT INTO spots (slug, name, place, latitude, longitude, best_light, note, added_at, updated_at) VALUES
    ('chefchaouen-medina', 'Chefchaouen Medina', 'Rif Mountains, Morocco', 35.1688, -5.2636, 'Soft morning light in the blue alleys', 'Ask before photographing people; the cats need no permission.', 1795392000, 1795392000),
    ('trolltunga', 'Trolltunga', 'Vestland, Norway', 60.1242, 6.74, 'Late afternoon, with the sun behind you', 'A ten-hour hike; start before seven to shoot without a queue.', 1795392060, 1795392060),
    ('moraine-lake', 'Moraine Lake', 'Banff, Canada', 51.3217, -116.186, 'Sunrise from the rockpile, June to September', 'The water is bluest in early July, when the glacial melt peaks.', 1795392120, 1795392120),
    ('fushimi-inari-taisha', 'Fushimi Inari Taisha', 'Kyoto, Japan', 34.9671, 135.7727, 'Early morning, before the crowds', 'Thousands of vermilion torii gates; walk up past the first fork for empty paths.', 1795392180, 1795392180),
    ('horseshoe-bend', 'Horseshoe Bend', 'Page, Arizona, USA', 36.8791, -111.5104, 'An hour after sunrise, when the river leaves the shadow', 'Bring your widest lens: the bend fills a 16 mm frame.', 1795392240, 1795392240),
    ('kirkjufell', 'Kirkjufell', 'Snæfellsnes, Iceland', 64.9415, -23.3067, 'Midnight sun in June; aurora from September', 'Frame the mountain behind the three small waterfalls of Kirkjufellsfoss.', 1795392300, 1795392300);
