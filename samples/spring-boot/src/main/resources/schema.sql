create table if not exists orders (
    id bigint generated always as identity primary key,
    customer text not null,
    amount numeric(12, 2) not null,
    ordered_at timestamptz not null default now()
);
