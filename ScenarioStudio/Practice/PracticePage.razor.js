// Voice input through the browser's speech recognition, where the browser offers it.
export function speechSupported() {
    return !!(window.SpeechRecognition || window.webkitSpeechRecognition);
}

export function listen(dotnet, lang) {
    const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
    if (!Recognition) return false;
    const recognition = new Recognition();
    recognition.lang = lang || 'en-GB';
    recognition.interimResults = false;
    recognition.maxAlternatives = 1;
    recognition.onresult = e => dotnet.invokeMethodAsync('OnSpeech', e.results[0][0].transcript);
    recognition.onerror = e => dotnet.invokeMethodAsync('OnSpeechError', e.error || 'error');
    recognition.onend = () => dotnet.invokeMethodAsync('OnSpeechEnd');
    recognition.start();
    return true;
}
