export default function ({ data }) {
  // Read by the server when the next page load opens its connection (st.context.cookies).
  document.cookie = `${data.name}=${data.value}; path=/; max-age=31536000; SameSite=Strict`;
}
